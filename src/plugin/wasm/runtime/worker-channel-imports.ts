/**
 * The `channel-host` functions a channel guest imports, as the sandbox Worker gives them: each is
 * a synchronous host call (sync-channel.ts) the main thread answers for the running callback —
 * it validates and buffers emits, reads the channel's store and buffers its writes. Nothing is
 * decided here; the Worker only refuses, before posting, arguments too large to be worth copying
 * (the host would refuse them anyway).
 */
import type { HostCallName } from "./protocol.ts";
import type { ChannelAnswer } from "./sync-channel.ts";
import { sizeOf } from "./worker-outcome.ts";

type HostCall = (name: HostCallName, args: Record<string, unknown>) => ChannelAnswer;

type WitResult = { tag: "ok"; val: undefined } | { tag: "err"; val: string };

function resultOf(answer: ChannelAnswer): WitResult {
  return answer.meta.ok === true
    ? { tag: "ok", val: undefined }
    : { tag: "err", val: String(answer.meta.error ?? "refused by the host") };
}

export function createChannelHostImports(hostCall: HostCall, argumentCap: number) {
  const tooLarge = (value: unknown): WitResult | undefined =>
    sizeOf(value, argumentCap) > argumentCap
      ? { tag: "err", val: `refused: larger than ${argumentCap} characters` }
      : undefined;
  return {
    emitMessage(message: unknown): WitResult {
      return tooLarge(message) ?? resultOf(hostCall("emit-message", { record: message }));
    },
    emitAction(action: unknown): WitResult {
      return tooLarge(action) ?? resultOf(hostCall("emit-action", { record: action }));
    },
    stateRead(key: string): string | undefined {
      if (tooLarge(key)) return undefined;
      const { meta } = hostCall("state-read", { key });
      return typeof meta.value === "string" ? meta.value : undefined;
    },
    stateWrite(key: string, value: string | undefined): WitResult {
      return tooLarge([key, value]) ?? resultOf(hostCall("state-write", { key, value: value ?? null }));
    },
  };
}
