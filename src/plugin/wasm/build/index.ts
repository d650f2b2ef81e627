/**
 * The WASM plugin builder: JavaScript or TypeScript source in, a component for the WIT world
 * `ironclaw:plugin/tool` (or, with `world: "channel"`, `ironclaw:plugin/channel`) out. Used by
 * `ironclaw tools build`, scripts/build-wasm.ts and the agent's `tool_build`. It never throws for a bad tool: every problem an author (or the model)
 * can fix comes back as `{ ok: false, error }` with a message meant for them.
 *
 * Isolation: the source is checked first (size, syntax, no imports but "ironclaw:tool", or
 * "ironclaw:channel" for a channel), then
 * built by a child process with an empty environment in a fresh temp folder that holds only the
 * source and the builder's guest files (prelude, "ironclaw:tool" module, entry wrapper), under a
 * time and a memory limit. The folder is removed afterwards.
 *
 * Example:
 *   const result = await buildWasmTool({ source, language: "ts" });
 *   if (!result.ok) return { error: result.error };
 *   await Bun.write("dist/my-tool.wasm", result.component);
 *   const channel = await buildWasmChannel({ source: channelSource, language: "ts" });
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuildBackend, BuildRequest, PluginWorld } from "./build-request.ts";
import { checkToolSource, defaultMaxSourceBytes, type SourceLanguage } from "./check-source.ts";
import { pluginWitPath, readGuestFiles, sourceFileStem } from "./guest-files.ts";
import { runBuildChild } from "./run-build-child.ts";
import { missingToolchain } from "./toolchain.ts";

export type { BuildBackend, PluginWorld } from "./build-request.ts";
export {
  channelGuestModuleName,
  checkToolSource,
  guestModuleName,
  type SourceLanguage,
} from "./check-source.ts";
export { missingToolchain } from "./toolchain.ts";

export interface BuildWasmToolOptions {
  readonly source: string;
  readonly language: SourceLanguage;
  /** Default "qjs". */
  readonly backend?: BuildBackend;
  /** Wall-clock limit of the build (default 60 s). */
  readonly timeoutMs?: number;
  /** Resident memory limit of the build process (default 1024 MB). */
  readonly memoryMb?: number;
  /** Largest accepted source (default 256 KiB). */
  readonly maxSourceBytes?: number;
  /** The WIT world to build for (default "tool"). */
  readonly world?: PluginWorld;
}

export type BuildResult =
  | {
      readonly ok: true;
      readonly component: Uint8Array;
      readonly sha256: string;
      readonly sizeBytes: number;
      readonly durationMs: number;
      /** Highest resident memory of the build process seen (sampled). */
      readonly peakMemoryMb: number;
    }
  | { readonly ok: false; readonly error: string };

export const defaultBuildLimits = Object.freeze({ timeoutMs: 60_000, memoryMb: 1024 });

export async function buildWasmTool(options: BuildWasmToolOptions): Promise<BuildResult> {
  const started = performance.now();
  const backend = options.backend ?? "qjs";
  const world = options.world ?? "tool";
  if (world !== "tool" && world !== "channel")
    return { ok: false, error: `unknown world ${JSON.stringify(world)}: use tool or channel` };
  if (backend !== "qjs" && backend !== "starlingmonkey")
    return { ok: false, error: `unknown backend ${JSON.stringify(backend)}: use qjs or starlingmonkey` };
  if (options.language !== "js" && options.language !== "ts")
    return { ok: false, error: `unknown language ${JSON.stringify(options.language)}: use js or ts` };
  const check = checkToolSource(
    options.source,
    options.language,
    options.maxSourceBytes ?? defaultMaxSourceBytes,
    world,
  );
  if (!check.ok) return check;
  const missing = missingToolchain(backend);
  if (missing) return { ok: false, error: missing };

  const folder = await mkdtemp(join(tmpdir(), "ironclaw-build-"));
  try {
    await writeFile(join(folder, `${sourceFileStem(world)}.${options.language}`), options.source);
    for (const [name, text] of readGuestFiles(world)) await writeFile(join(folder, name), text);
    const request: BuildRequest = { language: options.language, backend, witPath: pluginWitPath, world };
    const outcome = await runBuildChild(request, folder, {
      timeoutMs: options.timeoutMs ?? defaultBuildLimits.timeoutMs,
      memoryMb: options.memoryMb ?? defaultBuildLimits.memoryMb,
    });
    if (!outcome.ok) return outcome;
    const component = new Uint8Array(await Bun.file(join(folder, "component.wasm")).arrayBuffer());
    return {
      ok: true,
      component,
      sha256: createHash("sha256").update(component).digest("hex"),
      sizeBytes: component.byteLength,
      durationMs: Math.round(performance.now() - started),
      peakMemoryMb: Math.round(outcome.peakMemoryMb),
    };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Builds a channel component (world `ironclaw:plugin/channel`); the source imports "ironclaw:channel". */
export function buildWasmChannel(options: Omit<BuildWasmToolOptions, "world">): Promise<BuildResult> {
  return buildWasmTool({ ...options, world: "channel" });
}
