/**
 * The entry module of a channel component: adapts the author's module (`./channel.js`) to the WIT
 * world `ironclaw:plugin/channel`. The author exports `onStart(config)` and `onRespond(message)`;
 * `onHttpRequest`, `onPoll`, `onEdit`, `onApproval`, `onStatus`, `onActionResult` and
 * `onShutdown` are optional (a missing one is a no-op here; without `onEdit` the channel cannot
 * edit, without `onApproval` the host sends approvals as text). A thrown `ChannelError` (or any error) becomes the callback's
 * channel-failure; `retryAfterMs` is passed on. The shape is checked at the module top level,
 * which runs during the build: a channel without `onStart` / `onRespond` fails to build.
 */

import * as channel from "./channel.js";
import { markRunning } from "./prelude.js";

const optionalCallbacks = {
  onHttpRequest: channel.onHttpRequest,
  onPoll: channel.onPoll,
  onEdit: channel.onEdit,
  onApproval: channel.onApproval,
  onStatus: channel.onStatus,
  onActionResult: channel.onActionResult,
  onShutdown: channel.onShutdown,
};

function fail(message) {
  throw new Error(`the channel module ${message}`);
}

if (typeof channel.onStart !== "function") fail("must export a function `onStart(config)`");
if (typeof channel.onRespond !== "function") fail("must export a function `onRespond(message)`");
for (const [name, callback] of Object.entries(optionalCallbacks))
  if (callback !== undefined && typeof callback !== "function")
    fail(`exports \`${name}\` but it is not a function`);

function messageOf(error) {
  if (error instanceof Error)
    return error.name && error.name !== "Error" && error.name !== "ChannelError"
      ? `${error.name}: ${error.message}`
      : error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function failure(error) {
  const retryAfterMs = error && typeof error === "object" ? error.retryAfterMs : undefined;
  return {
    message: messageOf(error) || "the channel failed without a message",
    retryAfterMs: Number.isInteger(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : null,
  };
}

/** Runs an author callback; any throw becomes a channel-failure, a Promise is refused. */
function run(name, callback) {
  markRunning();
  let result;
  try {
    result = callback();
  } catch (error) {
    throw failure(error);
  }
  if (result !== null && typeof result === "object" && typeof result.then === "function")
    throw {
      message: `${name} returned a Promise: channels run synchronously (http calls block), write \`function ${name}\`, not \`async function ${name}\``,
      retryAfterMs: null,
    };
  return result;
}

function invalid(message) {
  return { message, retryAfterMs: null };
}

function messageRef(name, value) {
  if (
    !value ||
    typeof value.chatId !== "string" ||
    typeof value.messageId !== "string" ||
    value.messageId === ""
  )
    throw invalid(`${name} must return { chatId, messageId } (strings)`);
  return { chatId: value.chatId, messageId: value.messageId };
}

function webhookRoutes(value) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid("onStart: webhooks must be an array of { path, methods? }");
  return value.map((route) => {
    if (!route || typeof route.path !== "string" || !route.path.startsWith("/"))
      throw invalid('onStart: every webhook needs a path starting with "/"');
    const methods = route.methods ?? [];
    if (!Array.isArray(methods) || methods.some((method) => typeof method !== "string"))
      throw invalid(`onStart: the methods of webhook ${route.path} must be an array of strings`);
    return { path: route.path, methods: methods.map((method) => method.toUpperCase()) };
  });
}

function pollInterval(value) {
  if (value === undefined || value === null) return typeof channel.onPoll === "function" ? 0 : null;
  if (typeof channel.onPoll !== "function")
    throw invalid("onStart: pollIntervalMs is set but onPoll is not exported");
  if (!Number.isFinite(value) || value < 0)
    throw invalid("onStart: pollIntervalMs must be a non-negative number");
  return Math.min(Math.round(value), 4294967295);
}

export function onStart(configJson) {
  const info = run("onStart", () => channel.onStart(JSON.parse(configJson || "{}"))) ?? {};
  if (typeof info !== "object") throw invalid("onStart must return an object (or nothing)");
  return {
    webhooks: webhookRoutes(info.webhooks),
    pollIntervalMs: pollInterval(info.pollIntervalMs),
    canEdit: typeof channel.onEdit === "function" && info.canEdit !== false,
    canApprove: typeof channel.onApproval === "function" && info.canApprove !== false,
  };
}

function responseBody(body, headers) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type"))
    headers["content-type"] = "application/json";
  return new TextEncoder().encode(JSON.stringify(body));
}

export function onHttpRequest(request) {
  if (typeof channel.onHttpRequest !== "function")
    return { status: 404, headersJson: "{}", body: new Uint8Array(0) };
  const body = request.body instanceof Uint8Array ? request.body : new Uint8Array(request.body);
  const incoming = Object.freeze({
    method: request.method,
    path: request.path,
    query: request.query,
    headers: Object.freeze(JSON.parse(request.headersJson || "{}")),
    body,
    text: () => new TextDecoder().decode(body),
    json: () => JSON.parse(new TextDecoder().decode(body)),
  });
  const response = run("onHttpRequest", () => channel.onHttpRequest(incoming));
  const status = response?.status;
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw invalid("onHttpRequest must return { status } with an HTTP status between 100 and 599");
  const headers = { ...(response.headers ?? {}) };
  const bytes = responseBody(response.body, headers);
  return { status, headersJson: JSON.stringify(headers), body: bytes };
}

export function onPoll() {
  if (typeof channel.onPoll === "function") run("onPoll", () => channel.onPoll());
}

export function onRespond(message) {
  return messageRef(
    "onRespond",
    run("onRespond", () => channel.onRespond({ ...message })),
  );
}

export function onEdit(ref, message) {
  if (typeof channel.onEdit !== "function") throw invalid("this channel cannot edit messages (no onEdit)");
  run("onEdit", () => channel.onEdit({ ...ref }, { ...message }));
}

export function onApproval(prompt) {
  if (typeof channel.onApproval !== "function") throw invalid("this channel has no onApproval");
  const shown = { ...prompt, expiresAtMillis: Number(prompt.expiresAtMillis) };
  return messageRef(
    "onApproval",
    run("onApproval", () => channel.onApproval(shown)),
  );
}

export function onStatus(chatId, status) {
  if (typeof channel.onStatus === "function") run("onStatus", () => channel.onStatus(chatId, status));
}

export function onActionResult(actionId, chatId, senderId, notice) {
  if (typeof channel.onActionResult === "function")
    run("onActionResult", () => channel.onActionResult({ actionId, chatId, senderId, notice }));
}

export function onShutdown() {
  if (typeof channel.onShutdown !== "function") return;
  try {
    run("onShutdown", () => channel.onShutdown());
  } catch (error) {
    console.error(`onShutdown failed: ${error?.message ?? String(error)}`);
  }
}
