/**
 * The StarlingMonkey backend (componentize-js 0.22): SpiderMonkey instead of QuickJS, for tools
 * that need a fuller engine (Intl, faster JIT-less interpreter, big regexes). All of its WASI
 * features are disabled (stdio, random, clocks, http, fetch-event), so the component imports only
 * `ironclaw:plugin/host` and `ironclaw:plugin/tool-types`, like a qjs one, and passes the same
 * install allowlist; the prelude supplies console, clock and randomness from the host as for qjs.
 * Costs: ~12 MB per component, a ~10 s build (~50 s the first time on a machine: the engine is
 * prepared once), ~750 MB peak memory, so give it a larger build memory limit than the default.
 *
 * componentize-js runs its splicer through preview2-shim, whose filesystem has no preopens by
 * default (offline it then cannot read the WIT): the WIT's folder and the build folder are opened,
 * nothing else. The engine's Wizer step reads the sources from the build folder only.
 */
import { dirname } from "node:path";
import { componentize } from "@bytecodealliance/componentize-js";
import { _setPreopens } from "@bytecodealliance/preview2-shim/filesystem";
import type { BuildRequest } from "./build-request.ts";

export async function buildWithStarlingMonkey(request: BuildRequest, folder: string): Promise<Uint8Array> {
  const witFolder = dirname(request.witPath);
  // Bun loads the shim's Node build (host paths); TypeScript resolves the browser typings.
  const setPreopens = _setPreopens as unknown as (preopens: Record<string, string>) => void;
  setPreopens({ [witFolder]: witFolder, [folder]: folder });
  try {
    const { component } = await componentize({
      sourcePath: `${folder}/entry.js`,
      witPath: request.witPath,
      worldName: request.world ?? "tool",
      disableFeatures: ["stdio", "random", "clocks", "http", "fetch-event"],
      env: {},
    });
    return component;
  } catch (error) {
    throw new Error(describeStarlingMonkeyFailure(error));
  }
}

function describeStarlingMonkeyFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .replace(/^Failed to initialize component \(wizer \([^)]*\)\):\s*/, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^at .*(prelude|tool-module|channel-module|entry)\.js/.test(line));
  return lines.slice(0, 8).join("\n") || "the StarlingMonkey build failed without a message";
}
