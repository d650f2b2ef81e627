/**
 * What one callback has handed the host so far, held until it returns: the emits (in order), the
 * state writes (last write per key wins; reads see them), and the bytes the platform gave this
 * callback (the webhook body, every HTTP response body the host fetched for it). Nothing leaves
 * the scope unless the callback succeeds.
 *
 * Anti-forgery: an emit whose sender id does not occur in those bytes is refused, so a guest
 * cannot invent a message from the owner; it can only pass on what the platform said. Caps: the
 * manifest's emits per callback and per minute (the minute window is the channel's, shared by
 * every callback), state keys of at most 256 characters and values of at most 64 KiB.
 */

import type { InboundMessage } from "../../channel.ts";
import type { ChannelEmitLimits } from "../contract.ts";
import { checkEmittedAction, checkEmittedMessage, type EmittedAction } from "./emitted-records.ts";

export const stateKeyChars = 256;
export const stateValueChars = 64 * 1024;
/** Distinct keys one callback may write (a cursor and a few ids, not a database). */
export const stateKeysPerCallback = 64;

export type BufferedEmit =
  | { readonly kind: "message"; readonly message: InboundMessage }
  | { readonly kind: "action"; readonly emitted: EmittedAction };

export type EmitAnswer = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** The channel's emits per minute, across callbacks. */
export interface EmitWindow {
  take(nowMillis: number): boolean;
}

export function createEmitWindow(perMinute: number): EmitWindow {
  const taken: number[] = [];
  return {
    take(nowMillis) {
      while (taken.length > 0 && (taken[0] as number) <= nowMillis - 60_000) taken.shift();
      if (taken.length >= perMinute) return false;
      taken.push(nowMillis);
      return true;
    },
  };
}

export interface CallbackScopeOptions {
  readonly channel: string;
  readonly limits: ChannelEmitLimits;
  readonly window: EmitWindow;
  readonly now: () => number;
}

function occursIn(chunks: readonly Uint8Array[], text: string): boolean {
  const forms = new Set([text, JSON.stringify(text).slice(1, -1), jsonEscapedAscii(text)]);
  return chunks.some((chunk) => {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (const form of forms) if (bytes.includes(form, 0, "utf8")) return true;
    return false;
  });
}

/** `text` as a JSON string body with every non-ASCII character (and `/`) escaped, as some servers write it. */
function jsonEscapedAscii(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

export function createCallbackScope(options: CallbackScopeOptions) {
  const platformBytes: Uint8Array[] = [];
  const emits: BufferedEmit[] = [];
  const writes = new Map<string, string | null>();
  const refusals: string[] = [];
  let overflowed = false;

  function admit(senderId: string, emit: BufferedEmit): EmitAnswer {
    if (emits.length >= options.limits.perCallback) {
      overflowed = true;
      return refused(`over the limit of ${options.limits.perCallback} emits per callback`);
    }
    if (!occursIn(platformBytes, senderId)) {
      return refused(`sender ${senderId} does not appear in anything the platform sent this callback`);
    }
    if (!options.window.take(options.now())) {
      overflowed = true;
      return refused(`over the limit of ${options.limits.perMinute} emits per minute`);
    }
    emits.push(emit);
    return { ok: true };
  }

  function refused(reason: string): EmitAnswer {
    if (refusals.length < 20) refusals.push(reason);
    return { ok: false, error: reason };
  }

  return {
    /** Bytes the platform sent (a webhook body, an HTTP response body fetched by the host). */
    recordPlatformBytes(bytes: Uint8Array): void {
      if (bytes.byteLength > 0) platformBytes.push(bytes);
    },
    emitMessage(raw: unknown): EmitAnswer {
      const checked = checkEmittedMessage(options.channel, raw);
      if (!checked.ok) return refused(`malformed message: ${checked.reason}`);
      return admit(checked.value.senderId, { kind: "message", message: checked.value });
    },
    emitAction(raw: unknown): EmitAnswer {
      const checked = checkEmittedAction(options.channel, raw);
      if (!checked.ok) return refused(`malformed action: ${checked.reason}`);
      return admit(checked.value.action.senderId, { kind: "action", emitted: checked.value });
    },
    /** The callback's own write if it made one, else undefined (the store is asked then). */
    pendingRead(key: string): { value: string | undefined } | undefined {
      if (!writes.has(key)) return undefined;
      return { value: writes.get(key) ?? undefined };
    },
    write(key: unknown, value: unknown): EmitAnswer {
      if (typeof key !== "string" || key.length === 0 || key.length > stateKeyChars) {
        return { ok: false, error: `a key must be 1 to ${stateKeyChars} characters` };
      }
      if (value !== null && typeof value !== "string")
        return { ok: false, error: "a value must be a string" };
      if (typeof value === "string" && value.length > stateValueChars) {
        return {
          ok: false,
          error: `a value of ${value.length} characters is above the cap of ${stateValueChars}`,
        };
      }
      if (!writes.has(key) && writes.size >= stateKeysPerCallback) {
        return { ok: false, error: `over the limit of ${stateKeysPerCallback} keys written per callback` };
      }
      writes.set(key, value);
      return { ok: true };
    },
    emits: (): readonly BufferedEmit[] => emits,
    writes: (): ReadonlyMap<string, string | null> => writes,
    /** Why emits were refused (the first 20), for health and the log. */
    refusals: (): readonly string[] => refusals,
    /** The guest went over a cap: reported even when the callback otherwise succeeded. */
    overflowed: (): boolean => overflowed,
  };
}

export type CallbackScope = ReturnType<typeof createCallbackScope>;
