/**
 * Types for the one module a WASM channel may import, `"ironclaw:channel"` (the guest answers it
 * inside the component; world `channel` of tools/wit/plugin.wit). Copy this file beside your
 * channel's source for editor completion, with ironclaw-tool.d.ts (its http types are re-exported
 * here); the builder does not need them. The globals are the
 * tool's (console, TextEncoder/TextDecoder, Date, crypto.getRandomValues/randomUUID,
 * Math.random), and like a tool a channel runs synchronously: `http` blocks, no `async`.
 *
 * The host owns the event loop: it calls the callbacks below, each on a fresh instance (module
 * variables do not survive between callbacks: keep a cursor in `state`). What a callback emits
 * and writes to `state` is applied only if it returns normally; a throw delivers nothing.
 *
 * Build: `ironclaw tools build my-channel.ts --channel`, install the folder with its
 * `<name>.capabilities.json` (`"kind": "channel"`) via `ironclaw tools install`.
 *
 * Example:
 *   import { http, state, emitMessage } from "ironclaw:channel";
 *   export function onStart(config: { baseUrl: string }) {
 *     return { pollIntervalMs: 2000 };
 *   }
 *   export function onPoll() {
 *     const since = state.get("cursor") ?? "0";
 *     const page = http.get(`https://chat.example/updates?since=${since}`).json() as Page;
 *     for (const item of page.items)
 *       emitMessage({ messageId: item.id, chatId: item.room, senderId: item.from, text: item.text });
 *     state.set("cursor", page.next);
 *   }
 *   export function onRespond(message: OutboundMessage) {
 *     const sent = http.post("https://chat.example/send", { body: { room: message.chatId, text: message.text } });
 *     return { chatId: message.chatId, messageId: String((sent.json() as { id: string }).id) };
 *   }
 */
declare module "ironclaw:channel" {
  export {
    HttpError,
    type HttpFailureKind,
    type HttpRequestOptions,
    type HttpResponse,
    http,
  } from "ironclaw:tool";

  /** Throw it from a callback to fail it with a reason (logged, counted for back-off, in health). */
  export class ChannelError extends Error {
    /** The platform asked to slow down: the host waits this long before the next callback. */
    readonly retryAfterMs?: number;
    constructor(message: string, options?: { retryAfterMs?: number });
  }

  /** The channel's own store in the host's database (survives restarts). Keys ≤ 256 chars, values ≤ 64 KiB. */
  export const state: {
    get(key: string): string | undefined;
    /** Throws with the host's reason (too large…); applied when the callback succeeds. */
    set(key: string, value: string): void;
    delete(key: string): void;
  };

  export interface InboundMessage {
    /** The platform's message id: the host's dedupe key (platforms redeliver). */
    messageId: string;
    /** Where the answer goes (a DM room, a channel). */
    chatId: string;
    /** The platform's id of the writer; the host compares it with the manifest's owner_id. */
    senderId: string;
    senderName?: string;
    text: string;
    /** A direct message to the bot (default true); group messages are ignored by the host. */
    isDirect?: boolean;
    /** Stickers, voice, files…: the host answers politely without calling the model (default false). */
    unsupported?: boolean;
  }

  /** Hands a message to the host; throws an Error with the host's reason (malformed, over the emit limit). */
  export function emitMessage(message: InboundMessage): void;

  export interface InboundAction {
    /** The platform's id of the press: a replayed press with the same id is decided once. */
    actionId: string;
    chatId: string;
    senderId: string;
    approvalId: string;
    decision: "approve" | "always" | "deny";
  }

  /** Hands a button press / reaction / typed command deciding an approval to the host. */
  export function emitAction(action: InboundAction): void;

  // ---- What the callbacks receive and return -----------------------------------------------

  export interface WebhookRoute {
    /** Under `/channels/<name>`, e.g. `/events`; matched exactly. */
    path: string;
    /** Default ["POST"]. */
    methods?: string[];
  }

  /** What `onStart` returns (everything optional). */
  export interface StartInfo {
    /** Routes the host verifies (manifest `webhook.verification`) and hands to `onHttpRequest`. */
    webhooks?: WebhookRoute[];
    /** How often `onPoll` runs; raised to the manifest's `polling.min_interval_ms`. Default: that minimum when `onPoll` is exported. */
    pollIntervalMs?: number;
    /** Default true when `onEdit` is exported (a missing `onEdit` is always false). */
    canEdit?: boolean;
    /** Default true when `onApproval` is exported (else approvals arrive as text through `onRespond`). */
    canApprove?: boolean;
  }

  /** A verified webhook request. */
  export interface HttpRequestIn {
    readonly method: string;
    /** The path under `/channels/<name>`. */
    readonly path: string;
    /** Without `?`. */
    readonly query: string;
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string>>;
    readonly body: Uint8Array;
    text(): string;
    json(): unknown;
  }

  export interface HttpResponseOut {
    status: number;
    headers?: Record<string, string>;
    /** A string or bytes as they are; any other value is sent as JSON. */
    body?: string | Uint8Array | object;
  }

  /** A message the host sends: Markdown as the model wrote it; convert and split as the platform needs. */
  export interface OutboundMessage {
    readonly chatId: string;
    readonly text: string;
    /** Stable across the host's retries of the same send: use it for idempotency (a transaction id). */
    readonly deliveryId: string;
  }

  /** A sent message, so `onEdit` can find it later (for a split message, whatever finds all of it). */
  export interface MessageRef {
    chatId: string;
    messageId: string;
  }

  export interface ApprovalPrompt {
    readonly chatId: string;
    readonly approvalId: string;
    readonly tool: string;
    /** Readable, secret-redacted summary of the call. */
    readonly summary: string;
    readonly allowAlways: boolean;
    readonly expiresAtMillis: number;
  }

  export type ChannelStatus = "thinking" | "done";

  /**
   * What the host made of one emitted press, for `onActionResult`: the press's own ids and a
   * short notice for the presser. Example: `{ actionId: "$reaction", chatId: "!room", senderId:
   * "@stranger:example.org", notice: "Only the owner can decide this." }`.
   */
  export interface ActionResult {
    readonly actionId: string;
    readonly chatId: string;
    readonly senderId: string;
    readonly notice: string;
  }
}

/**
 * The callbacks a channel module exports (all synchronous). Required: onStart, onRespond.
 *   export function onStart(config: Record<string, unknown>): StartInfo | void;
 *   export function onHttpRequest(request: HttpRequestIn): HttpResponseOut;
 *   export function onPoll(): void;
 *   export function onRespond(message: OutboundMessage): MessageRef;
 *   export function onEdit(ref: MessageRef, message: OutboundMessage): void;
 *   export function onApproval(prompt: ApprovalPrompt): MessageRef;
 *   export function onStatus(chatId: string, status: ChannelStatus): void;
 *   export function onActionResult(result: ActionResult): void;
 *     (once per `emitAction` the host decided; show `notice` to the presser if the platform can)
 *   export function onShutdown(): void;
 */
