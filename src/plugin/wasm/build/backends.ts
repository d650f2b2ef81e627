/**
 * The component builders, run inside the build child. `qjs` (default) is componentize-qjs:
 * QuickJS snapshotted with Wizer, ~1–3 s, ~1.6 MB, WASI stubbed to traps so the component
 * imports nothing but `ironclaw:plugin/host`. `starlingmonkey` is componentize-js (SpiderMonkey,
 * a fuller engine), ~12 MB and ~10 s to build; see starlingmonkey.ts.
 */
import { componentize } from "componentize-qjs";
import type { BuildRequest } from "./build-request.ts";
import { buildWithStarlingMonkey } from "./starlingmonkey.ts";

export async function buildWithBackend(request: BuildRequest, folder: string): Promise<Uint8Array> {
  const entryPath = `${folder}/entry.js`;
  const entry = await Bun.file(entryPath).text();
  if (request.backend === "starlingmonkey") return buildWithStarlingMonkey(request, folder);
  try {
    const result = await componentize({
      witPath: request.witPath,
      jsSource: entry,
      jsPath: entryPath,
      moduleRoot: folder,
      world: request.world ?? "tool",
      stubWasi: true,
      sync: true,
    });
    return new Uint8Array(result.component);
  } catch (error) {
    throw new Error(describeQuickJsFailure(error));
  }
}

/**
 * componentize-qjs reports a failure while the module's top level runs as a Wizer error with a
 * wasm backtrace; the author needs the JavaScript part.
 */
export function describeQuickJsFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const missingImport = /unknown import: `ironclaw:plugin\/host@[\d.]+#([\w-]+)`/.exec(text);
  if (missingImport)
    return `the tool calls the host (${missingImport[1]}) at its module top level, while it is being built; call host functions inside execute() (a channel: inside its callbacks)`;
  const lines = text
    .replace(
      /^[:\s]*Failed to evaluate user JavaScript module: Failed to finish JavaScript module evaluation: /,
      "",
    )
    .split("\n")
    .map((line) => line.trim())
    .filter(
      (line) =>
        line !== "" &&
        !/^\d+:\s+0x[0-9a-f]+ - /.test(line) && // wasm backtrace
        !/^at .*\(\/(prelude|tool-module|channel-module|entry)\.js:/.test(line) && // the builder's own modules
        !line.startsWith("error while executing"),
    );
  if (/^at .*\(\/(tool|channel)\.js:/.test(lines[1] ?? ""))
    lines[0] = `the module top level failed while building: ${lines[0]}`;
  return lines.slice(0, 8).join("\n") || "the build failed without a message";
}
