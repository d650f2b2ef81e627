/**
 * The module a channel imports as "ironclaw:channel" (the builder rewrites that specifier to this
 * file): the tool module's synchronous `http` / `HttpError` plus the channel host functions of
 * `ironclaw:plugin/channel-host` — the channel's own store (`state`), `emitMessage` and
 * `emitAction` — and `ChannelError`, which a callback throws to fail with a reason the host shows
 * (and an optional `retryAfterMs` when the platform asked to slow down). Emits and state writes
 * are held by the host until the callback returns successfully. Types for authors:
 * tools/wit/ironclaw-channel.d.ts.
 */
import * as channelHost from "ironclaw:plugin/channel-host@0.1.0";
import { formatValue, requireRunning } from "./prelude.js";

export { HttpError, http, secretExists, workspace } from "./tool-module.js";

/** What a host function answered instead of a value. */
function hostFailure(error) {
  return error && typeof error === "object" && "payload" in error ? error.payload : error;
}

function refusal(what, error) {
  const failure = hostFailure(error);
  return new Error(`${what}: ${typeof failure === "string" ? failure : formatValue(failure)}`);
}

/** A callback's failure; the host logs it, counts it for back-off and shows it in health. */
export class ChannelError extends Error {
  constructor(message, options = {}) {
    super(String(message));
    this.name = "ChannelError";
    const retryAfterMs = options?.retryAfterMs;
    if (retryAfterMs !== undefined && retryAfterMs !== null) {
      if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0)
        throw new TypeError("ChannelError: retryAfterMs must be a non-negative number of milliseconds");
      this.retryAfterMs = Math.min(Math.round(retryAfterMs), 4294967295);
    }
  }
}

function requiredText(record, field, what) {
  const value = record?.[field];
  if (typeof value !== "string" || value === "")
    throw new TypeError(`${what}: ${field} must be a non-empty string`);
  return value;
}

/** The channel's own key-value store in the host's database (survives restarts). */
export const state = Object.freeze({
  get(key) {
    requireRunning("state.get");
    const value = channelHost.stateRead(String(key));
    return value === null || value === undefined ? undefined : value;
  },
  set(key, value) {
    requireRunning("state.set");
    if (typeof value !== "string")
      throw new TypeError("state.set: the value must be a string (JSON.stringify objects)");
    try {
      channelHost.stateWrite(String(key), value);
    } catch (error) {
      throw refusal("state.set refused", error);
    }
  },
  delete(key) {
    requireRunning("state.delete");
    try {
      channelHost.stateWrite(String(key), null);
    } catch (error) {
      throw refusal("state.delete refused", error);
    }
  },
});

/** Hands a message someone wrote to the host (dedupe by messageId, owner check, queue). */
export function emitMessage(message) {
  requireRunning("emitMessage");
  const what = "emitMessage";
  const record = {
    messageId: requiredText(message, "messageId", what),
    chatId: requiredText(message, "chatId", what),
    senderId: requiredText(message, "senderId", what),
    senderName:
      typeof message.senderName === "string" && message.senderName !== "" ? message.senderName : null,
    text: typeof message.text === "string" ? message.text : "",
    isDirect: message.isDirect === undefined ? true : Boolean(message.isDirect),
    unsupported: Boolean(message.unsupported),
  };
  try {
    channelHost.emitMessage(record);
  } catch (error) {
    throw refusal("emitMessage refused", error);
  }
}

const decisions = new Set(["approve", "always", "deny"]);

/** Hands a button press (or reaction, or typed command) deciding an approval to the host. */
export function emitAction(action) {
  requireRunning("emitAction");
  const what = "emitAction";
  if (!decisions.has(action?.decision))
    throw new TypeError(`${what}: decision must be "approve", "always" or "deny"`);
  const record = {
    actionId: requiredText(action, "actionId", what),
    chatId: requiredText(action, "chatId", what),
    senderId: requiredText(action, "senderId", what),
    approvalId: requiredText(action, "approvalId", what),
    decision: action.decision,
  };
  try {
    channelHost.emitAction(record);
  } catch (error) {
    throw refusal("emitAction refused", error);
  }
}
