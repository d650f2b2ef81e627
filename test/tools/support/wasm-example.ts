/**
 * Loads one of the example WASM tools (tools/<name>/) the way the host does: built from its
 * source by the production builder, its manifest parsed by the host's parser, the component run
 * by the real runtime (Worker sandbox, metering, memory cap). The build is cached per test
 * process by the source text, since the same tool is usually loaded by several tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../../src/log.ts";
import type { Tool } from "../../../src/plugin/tool.ts";
import { buildWasmTool } from "../../../src/plugin/wasm/build/index.ts";
import type { WasmToolArtifact, WasmToolManifest } from "../../../src/plugin/wasm/contract.ts";
import { createWasmToolRuntime } from "../../../src/plugin/wasm/index.ts";
import { parseToolManifestText } from "../../../src/plugin/wasm/manifest.ts";

const toolsFolder = join(import.meta.dir, "../../../tools");

export interface LoadedExample {
  readonly tool: Tool;
  readonly artifact: WasmToolArtifact;
  close(): Promise<void>;
}

const builds = new Map<string, Promise<WasmToolArtifact>>();

/** The example built from source (once per test process and tool), with its parsed manifest. */
export function buildExampleArtifact(name: string): Promise<WasmToolArtifact> {
  let build = builds.get(name);
  if (!build) {
    build = buildFromSource(name);
    builds.set(name, build);
  }
  return build;
}

export function exampleManifestJson(name: string): Promise<unknown> {
  return Bun.file(join(toolsFolder, name, `${name}.capabilities.json`)).json();
}

async function buildFromSource(name: string): Promise<WasmToolArtifact> {
  const manifestPath = join(toolsFolder, name, `${name}.capabilities.json`);
  const manifest: WasmToolManifest = parseToolManifestText(await Bun.file(manifestPath).text(), manifestPath);
  const source = await Bun.file(join(toolsFolder, name, `${name}.ts`)).text();
  const built = await buildWasmTool({ source, language: "ts" });
  if (!built.ok) throw new Error(`${name} does not build: ${built.error}`);
  return { name, component: built.component, sha256: built.sha256, manifest };
}

export async function loadExampleTool(name: string): Promise<LoadedExample> {
  const artifact = await buildExampleArtifact(name);
  const cacheDir = await mkdtemp(join(tmpdir(), "ironclaw-example-cache-"));
  const runtime = createWasmToolRuntime({
    cacheDir,
    cacheKey: new Uint8Array(32).fill(7),
    log: silentLogger,
  });
  const tool = await runtime.load(artifact);
  return {
    tool,
    artifact,
    close: async () => {
      await runtime.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}
