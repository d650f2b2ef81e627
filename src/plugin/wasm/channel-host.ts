/**
 * The WASM channel runtime, one per host process: `load(artifact, bindings)` verifies the
 * component's hash, prepares it like a tool (transpile, meter loops, cap memory; cached and
 * authenticated on disk, core modules compiled once per process), starts its callback Worker and
 * returns a `Channel` (channel/wasm-channel.ts). The host owns everything around the guest:
 * routing and webhook verification, polling on a second Worker, the emit buffer with its caps
 * and anti-forgery check, the channel's store, health and back-off. A channel that fails to load
 * is refused with an AppError naming it; the caller turns it off and the host carries on.
 *
 * Example:
 *   const runtime = createWasmChannelRuntime({ cacheDir, cacheKey, log });
 *   const channel = await runtime.load(artifact, { state, http, secrets, revealSecret, log });
 *   registry.addChannel(channel); // start(host) runs on-start
 */
import { AppError } from "../../errors.ts";
import type { Channel } from "../channel.ts";
import type { BackOffPolicy } from "./channel/callback-health.ts";
import { createWasmChannel } from "./channel/wasm-channel.ts";
import type { WasmChannelArtifact, WasmChannelBindings, WasmChannelRuntime } from "./contract.ts";
import type { WasmToolRuntimeOptions } from "./index.ts";
import { createComponentLoader } from "./runtime/component-loader.ts";
import { createSandbox, type Sandbox } from "./runtime/sandbox.ts";

/** The tool runtime's options (cache folder and index key, log, grace period), and the back-off. */
export type WasmChannelRuntimeOptions = WasmToolRuntimeOptions & {
  /** Default callback-health.ts `defaultBackOffPolicy`; tests shorten it. */
  readonly backOff?: BackOffPolicy;
};

/** Host surfaces no plugin may register as. */
export const reservedChannelNames: ReadonlySet<string> = new Set(["terminal", "api", "routine"]);

export function createWasmChannelRuntime(options: WasmChannelRuntimeOptions): WasmChannelRuntime {
  const loader = createComponentLoader(options);
  const loaded = new Map<string, Channel>();

  async function load(artifact: WasmChannelArtifact, bindings: WasmChannelBindings): Promise<Channel> {
    const { manifest } = artifact;
    const name = manifest.name;
    if (reservedChannelNames.has(name) || name !== artifact.name) {
      throw new AppError(
        "invalid_input",
        `channel ${name}: this name is reserved or does not match the artifact`,
      );
    }
    const { glue, modules } = await loader.load({
      subject: "channel",
      name,
      component: artifact.component,
      sha256: artifact.sha256,
      memoryMiB: manifest.limits.memoryMiB,
    });
    const lane = (role: string): Sandbox =>
      createSandbox({
        name,
        glue,
        modules,
        world: "channel",
        limits: {
          describeTimeoutMs: Math.min(manifest.limits.timeoutMs, 5_000),
          memoryMiB: manifest.limits.memoryMiB,
          resultChars: options.resultChars ?? 1024 * 1024,
          logLinesPerCall: 100,
          logLineChars: 2_000,
          subject: "channel",
        },
        channelBytes: manifest.limits.responseBytes + 256 * 1024,
        graceMs: options.graceMs ?? 1_500,
        log: bindings.log.child({ channel: name, lane: role, source: "wasm-guest" }),
      });
    const callbackLane = lane("callbacks");
    try {
      await callbackLane.start();
    } catch (error) {
      await callbackLane.close();
      throw new AppError("invalid_input", `channel ${name}: it did not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await loaded.get(name)?.stop();
    const channel = createWasmChannel({
      manifest,
      bindings: { ...bindings, log: bindings.log.child({ channel: name }) },
      callbackLane,
      ...(options.backOff ? { backOff: options.backOff } : {}),
      pollLane: () => {
        const poll = lane("poll");
        poll.start().catch(() => {}); // a failed start is reported by the first poll
        return poll;
      },
    });
    loaded.set(name, channel);
    return channel;
  }

  return {
    load,
    async close() {
      const channels = [...loaded.values()];
      loaded.clear();
      await Promise.all(channels.map((channel) => channel.stop().catch(() => {})));
    },
  };
}
