/**
 * `ironclaw tools build <src.js|src.ts> [--out FILE] [--backend qjs|starlingmonkey] [--channel]`:
 * builds a WASM tool component from one source file with the same builder the agent's
 * `tool_build` uses (empty temp folder, empty environment, time and memory limits). Prints where
 * the component went, its size and its SHA-256 (what the owner approves at install). The output
 * defaults to the source's name with `.wasm`, beside it. A channel (world `channel`, source
 * importing "ironclaw:channel") is built with `--channel`, or when the manifest beside the source
 * (`<name>.capabilities.json`) says `"kind": "channel"`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { type BuildBackend, buildWasmTool, type PluginWorld } from "../plugin/wasm/build/index.ts";

export interface ToolsBuildIo {
  print(line: string): void;
  printError(line: string): void;
}

export const toolsBuildUsage =
  "Usage: ironclaw tools build <src.js|src.ts> [--out FILE] [--backend qjs|starlingmonkey] [--channel]";

interface BuildArguments {
  readonly source: string;
  readonly out: string | undefined;
  readonly backend: BuildBackend;
  readonly channel: boolean;
}

function parseArguments(args: string[]): BuildArguments | string {
  let source: string | undefined;
  let out: string | undefined;
  let backend: BuildBackend = "qjs";
  let channel = false;
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] as string;
    if (argument === "--channel") {
      channel = true;
    } else if (argument === "--out" || argument === "--backend") {
      const value = args[++index];
      if (!value) return `${argument} needs a value`;
      if (argument === "--out") out = value;
      else if (value === "qjs" || value === "starlingmonkey") backend = value;
      else return `--backend must be qjs or starlingmonkey, not ${JSON.stringify(value)}`;
    } else if (argument.startsWith("-")) {
      return `unknown option ${argument}`;
    } else if (source) {
      return `one source file at a time (got ${source} and ${argument})`;
    } else {
      source = argument;
    }
  }
  if (!source) return "which source file? (a .js or .ts file)";
  return { source, out, backend, channel };
}

/** "channel" when asked, or when the manifest beside the source declares a channel. */
async function worldOf(sourcePath: string, extension: string, channel: boolean): Promise<PluginWorld> {
  if (channel) return "channel";
  const manifest = Bun.file(
    join(dirname(sourcePath), `${basename(sourcePath, extension)}.capabilities.json`),
  );
  if (!(await manifest.exists())) return "tool";
  try {
    return (JSON.parse(await manifest.text()) as { kind?: unknown }).kind === "channel" ? "channel" : "tool";
  } catch {
    return "tool"; // a broken manifest is reported at install, not here
  }
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

export async function runToolsBuildCommand(args: string[], io: ToolsBuildIo): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === "string") {
    io.printError(`ironclaw tools build: ${parsed}`);
    io.printError(toolsBuildUsage);
    return 1;
  }
  const sourcePath = resolve(parsed.source);
  const extension = extname(sourcePath);
  if (extension !== ".js" && extension !== ".ts" && extension !== ".mjs") {
    io.printError(`ironclaw tools build: ${parsed.source} is not a .js or .ts file`);
    return 1;
  }
  const file = Bun.file(sourcePath);
  if (!(await file.exists())) {
    io.printError(`ironclaw tools build: ${parsed.source}: no such file`);
    return 1;
  }
  const outPath = resolve(parsed.out ?? join(dirname(sourcePath), `${basename(sourcePath, extension)}.wasm`));
  const world = await worldOf(sourcePath, extension, parsed.channel);
  io.print(`Building ${parsed.source} (${parsed.backend}${world === "channel" ? ", channel" : ""}) …`);
  const result = await buildWasmTool({
    source: await file.text(),
    language: extension === ".ts" ? "ts" : "js",
    backend: parsed.backend,
    world,
  });
  if (!result.ok) {
    io.printError(`ironclaw tools build: ${parsed.source}: ${result.error}`);
    return 1;
  }
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, result.component);
  io.print(`Built ${outPath}`);
  io.print(`  size     ${formatSize(result.sizeBytes)} (${result.sizeBytes} bytes)`);
  io.print(`  sha256   ${result.sha256}`);
  io.print(`  took     ${(result.durationMs / 1000).toFixed(1)} s`);
  return 0;
}
