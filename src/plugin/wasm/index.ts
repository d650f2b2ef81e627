/**
 * The WASM tool runtime, one per host process: `load(artifact)` verifies the component's hash,
 * prepares it (transpile, meter loops, cap memory; cached on disk under `cacheDir/<sha256>/`
 * with an HMAC'd index, see runtime/cache-entry.ts), compiles its core modules once per process
 * (shared across tools: most of a componentize-qjs tool is the same QuickJS), starts the tool's
 * sandbox Worker and returns a `Tool`. A component that fails any step is refused with an
 * AppError naming the tool and the reason; the caller disables it and the host carries on.
 */
import { AppError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { Tool } from "../tool.ts";
import type { WasmToolArtifact, WasmToolRuntime } from "./contract.ts";
import { createComponentLoader } from "./runtime/component-loader.ts";
import { createSandbox, type Sandbox } from "./runtime/sandbox.ts";
import { createWasmTool, parseToolSchema, toolDescription } from "./runtime/wasm-tool.ts";

export interface WasmToolRuntimeOptions {
  /** Where prepared components are cached (not trusted: every entry is authenticated). */
  readonly cacheDir: string;
  /** HMAC key of the cache index (derived from the host's fingerprint key). */
  readonly cacheKey: Uint8Array;
  readonly log: Logger;
  /** Largest result a tool may return, in characters. Default 1 MiB. */
  readonly resultChars?: number;
  /** How long past its deadline a Worker may stay silent before it is replaced. Default 1500 ms. */
  readonly graceMs?: number;
}

export function createWasmToolRuntime(options: WasmToolRuntimeOptions): WasmToolRuntime {
  const loader = createComponentLoader(options);
  const sandboxes = new Map<string, Sandbox>();

  async function load(artifact: WasmToolArtifact): Promise<Tool> {
    const name = artifact.manifest.name;
    const plugin = {
      subject: "tool" as const,
      name,
      component: artifact.component,
      sha256: artifact.sha256,
      memoryMiB: artifact.manifest.limits.memoryMiB,
    };
    loader.verify(plugin);
    await unload(name);
    const { glue, modules: compiledModules } = await loader.load(plugin);
    const limits = artifact.manifest.limits;
    const sandbox = createSandbox({
      name,
      glue,
      modules: compiledModules,
      limits: {
        describeTimeoutMs: Math.min(limits.timeoutMs, 5_000),
        memoryMiB: limits.memoryMiB,
        resultChars: options.resultChars ?? 1024 * 1024,
        logLinesPerCall: 100,
        logLineChars: 2_000,
      },
      channelBytes: limits.responseBytes + 256 * 1024,
      graceMs: options.graceMs ?? 1_500,
      log: options.log.child({ tool: name, source: "wasm-guest" }),
    });
    try {
      const described = await sandbox.start();
      const parameters = parseToolSchema(name, described.schema);
      const description = toolDescription(name, artifact.manifest, described.description);
      sandboxes.set(name, sandbox);
      return createWasmTool({ manifest: artifact.manifest, description, parameters, sandbox });
    } catch (error) {
      await sandbox.close();
      if (error instanceof AppError) throw error;
      throw new AppError("invalid_input", `tool ${name}: it did not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async function unload(name: string): Promise<void> {
    const sandbox = sandboxes.get(name);
    sandboxes.delete(name);
    await sandbox?.close();
  }

  return {
    load,
    unload,
    async close() {
      await Promise.all([...sandboxes.keys()].map(unload));
    },
  };
}
export { createWasmChannelRuntime, type WasmChannelRuntimeOptions } from "./channel-host.ts";
