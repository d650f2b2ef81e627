/**
 * A WasmToolRuntime that runs nothing: `load` returns a tool answering its name and the hash it
 * was loaded with, or fails for the names a test lists. For tests of the host's bookkeeping
 * (installed-tools.ts) that do not need a sandbox; the real runtime has its own suites.
 */
import type { Tool } from "../../../../src/plugin/tool.ts";
import type { WasmToolArtifact, WasmToolRuntime } from "../../../../src/plugin/wasm/contract.ts";

export interface FakeRuntime extends WasmToolRuntime {
  readonly loads: string[];
  readonly unloads: string[];
  /** Names whose load throws. */
  readonly failing: Set<string>;
}

export function createFakeRuntime(): FakeRuntime {
  const loads: string[] = [];
  const unloads: string[] = [];
  const failing = new Set<string>();
  return {
    loads,
    unloads,
    failing,
    async load(artifact: WasmToolArtifact): Promise<Tool> {
      loads.push(artifact.name);
      if (failing.has(artifact.name)) throw new Error(`${artifact.name} traps at start`);
      return {
        name: artifact.name,
        description: artifact.manifest.description || `${artifact.name} (installed)`,
        parameters: { type: "object", properties: {} },
        risk: artifact.manifest.risk,
        approval: "never",
        async execute() {
          return { content: `${artifact.name}@${artifact.sha256.slice(0, 8)}` };
        },
      };
    },
    async unload(name: string) {
      unloads.push(name);
    },
    async close() {},
  };
}
