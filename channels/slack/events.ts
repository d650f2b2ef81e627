/**
 * Turns Slack payloads into what the host understands: a message event becomes an
 * InboundMessage (or is skipped, with a reason for the log), a `block_actions` press becomes an
 * ApprovalAction (or a press that does not decode). Payloads are untrusted JSON: every field is
 * checked, nothing here throws.
 */
import type { ApprovalAction, InboundMessage } from "../../src/plugin/channel.ts";
import { decodeApprovalAction } from "./buttons.ts";

export type ParsedMessage = { kind: "message"; message: InboundMessage } | { kind: "skip"; reason: string };

export interface MessageFilter {
  /** The bot's own user id (auth.test `user_id`): its messages are never answered. */
  botUserId: string;
  allowChannels: boolean;
}

type Fields = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const record = (value: unknown): Fields | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;

/** Subtypes that are a person writing; everything else (edits, joins, bot posts…) is skipped. */
const HUMAN_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

/**
 * Slack's wire text → what the person typed: `<https://x|label>` → `label (https://x)`,
 * `<@U1>` → `@U1`, `<#C1|general>` → `#general`, `<!here>` → `@here`, then `&amp; &lt; &gt;`.
 */
export function slackTextToPlain(wire: string): string {
  const replaced = wire.replace(/<([^<>|]*)(?:\|([^<>]*))?>/g, (_match, target: string, label?: string) => {
    if (target.startsWith("@")) return label ? `@${label}` : target;
    if (target.startsWith("#")) return label ? `#${label}` : target;
    if (target.startsWith("!")) {
      const name = label ?? target.slice(1).split("^")[0] ?? "";
      return name.startsWith("@") ? name : `@${name}`;
    }
    if (!label || label === target || target.endsWith(`//${label}`) || target === `mailto:${label}`) {
      return target.startsWith("mailto:") ? target.slice(7) : target;
    }
    return `${label} (${target})`;
  });
  return replaced.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function parseMessageEvent(event: unknown, filter: MessageFilter): ParsedMessage {
  const fields = record(event);
  if (fields?.type !== "message") return { kind: "skip", reason: "not a message event" };
  const subtype = text(fields.subtype);
  if (!HUMAN_SUBTYPES.has(subtype)) return { kind: "skip", reason: `message subtype ${subtype}` };
  if (fields.bot_id !== undefined || fields.bot_profile !== undefined)
    return { kind: "skip", reason: "a bot's message" };
  const user = text(fields.user);
  const channel = text(fields.channel);
  const ts = text(fields.ts);
  if (!user || !channel || !ts) return { kind: "skip", reason: "message without user, channel or ts" };
  if (user === filter.botUserId) return { kind: "skip", reason: "our own message" };
  const isDirect = fields.channel_type === "im";
  if (!isDirect && !filter.allowChannels) return { kind: "skip", reason: "message outside a direct chat" };
  const body = slackTextToPlain(text(fields.text) ?? "");
  const hasFiles = Array.isArray(fields.files) && fields.files.length > 0;
  const profile = record(fields.user_profile);
  return {
    kind: "message",
    message: {
      channel: "slack",
      chatId: channel,
      senderId: user,
      senderName: text(profile?.display_name) || text(profile?.real_name) || undefined,
      // `ts` is unique per channel and the same in every retry of the event: the dedupe key.
      messageId: ts,
      text: body,
      kind: hasFiles && body.trim() === "" ? "unsupported" : "text",
      isDirect: isDirect || filter.allowChannels,
    },
  };
}

export interface ParsedPress {
  /** Where to show a notice to the presser; undefined when the payload does not say. */
  channel?: string;
  user?: string;
  /** Undefined when the press does not decode (stale layout, unknown action, tampered value). */
  action?: ApprovalAction;
}

export function parseBlockActions(body: unknown): ParsedPress {
  const fields = record(body) ?? {};
  const user = text(record(fields.user)?.id);
  const channel = text(record(fields.channel)?.id) ?? text(record(fields.container)?.channel_id);
  const first = record(Array.isArray(fields.actions) ? fields.actions[0] : undefined);
  const decoded = decodeApprovalAction(first?.action_id, first?.value);
  if (!decoded || !user || !channel) return { channel, user };
  return { channel, user, action: { channel: "slack", chatId: channel, senderId: user, ...decoded } };
}
