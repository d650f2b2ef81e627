/**
 * The channel contract: what a chat platform adapter (Telegram, Discord, Slack, terminal, a WASM
 * channel) implements. Small on purpose; optional capabilities are optional methods the host
 * checks for. A channel formats Markdown for its platform and splits long messages itself.
 *
 * Identity is the registry's (src/plugin/registry.ts): a channel runs under the id it registered,
 * and trust comes from how it was registered, never from what it writes.
 *
 * Example:
 *   const channel: Channel = {
 *     id: "echo",
 *     async start(host) { readline.on("line", (text) => host.onMessage({ ... })) },
 *     async stop() {},
 *     async send(to, message) { console.log(message.text); return { chatId: to.chatId, messageId: "1" } },
 *   };
 */
import type { Logger } from "../log.ts";

/** Where a message goes: one chat on the channel. */
export interface ChatTarget {
  chatId: string;
}

/** A message the channel sent, so it can be edited later (streaming, settling approvals). */
export interface MessageRef {
  chatId: string;
  messageId: string;
}

export interface OutboundMessage {
  /** Markdown as the model wrote it; the channel converts it to its platform's format. */
  text: string;
}

export interface InboundMessage {
  /**
   * The channel's registered id. The host sets it: the ChannelHost a channel receives overwrites
   * whatever the channel writes here (src/plugin/channel-host.ts), so a channel cannot speak as
   * another — in particular not as the host's own surfaces (`terminal`, `api`, `routine`).
   */
  channel: string;
  chatId: string;
  senderId: string;
  senderName?: string;
  /** The platform's id for this message: the dedupe key (platforms redeliver). */
  messageId?: string;
  text: string;
  /** `unsupported` for stickers, voice, files…: the host answers politely instead of the LLM. */
  kind?: "text" | "unsupported";
  /** A direct message to the bot (groups are ignored unless configured). */
  isDirect: boolean;
}

export type ApprovalDecision = "approve" | "always" | "deny";
export type ApprovalOutcome = "approved" | "always" | "denied" | "expired";

export interface ApprovalPrompt {
  approvalId: string;
  tool: string;
  /** Readable, secret-redacted summary of the parameters. */
  summary: string;
  /** Offer "Always" (not for tools whose approval is mandatory every time). */
  allowAlways: boolean;
  expiresAt: Date;
}

/** A button press (or `/approve <id>` typed in chat) arriving from a channel. */
export interface ApprovalAction {
  /** The channel's registered id; set by the host like `InboundMessage.channel`. */
  channel: string;
  chatId: string;
  senderId: string;
  approvalId: string;
  decision: ApprovalDecision;
}

export interface ActionResult {
  ok: boolean;
  /** Short text for the presser (a toast/alert/ephemeral notice). */
  notice: string;
}

export interface ChannelHealth {
  ok: boolean;
  detail?: string;
}

/**
 * What the host gives a channel when it starts: one per registered channel, bound to its id.
 * Input that is not a message or a press is logged with that id and dropped.
 */
export interface ChannelHost {
  log: Logger;
  /** Must be idempotent per `messageId`: platforms redeliver. Resolves once the message is stored. */
  onMessage(message: InboundMessage): Promise<void>;
  onAction(action: ApprovalAction): Promise<ActionResult>;
}

export interface Channel {
  readonly id: string;
  start(host: ChannelHost): Promise<void>;
  stop(): Promise<void>;
  send(to: ChatTarget, message: OutboundMessage): Promise<MessageRef>;
  /** Replace the text of a sent message (used for streaming). */
  edit?(ref: MessageRef, message: OutboundMessage): Promise<void>;
  /** Show Approve / Always / Deny buttons. Without it the host sends a text fallback. */
  askApproval?(to: ChatTarget, prompt: ApprovalPrompt): Promise<MessageRef>;
  /** Show the outcome on the prompt and remove its buttons. */
  settleApproval?(ref: MessageRef, outcome: ApprovalOutcome, prompt: ApprovalPrompt): Promise<void>;
  setTyping?(to: ChatTarget): Promise<void>;
  health?(): ChannelHealth;
  /**
   * Webhook-style platforms: the gateway hands requests under `/channels/<id>/` to the channel.
   * Return undefined for paths it does not serve.
   */
  handleHttp?(request: Request, path: string): Promise<Response | undefined>;
}
