/**
 * What a channel guest hands the host through `emit-message` / `emit-action`, checked field by
 * field before anything is buffered: ids non-empty and at most 256 characters, text capped, the
 * decision one of three words. A record that fails is refused with the reason (the guest sees
 * it as the emit's error and may go on). The host's ChannelHost stamps the registered channel id
 * later; the WIT record has no channel field at all, so a guest cannot even name another.
 */
import type { ApprovalAction, InboundMessage } from "../../channel.ts";

/** Longest text a guest may hand in as one message (a chat message, not a document). */
export const emittedTextChars = 32_768;
const idChars = 256;
const nameChars = 128;
const decisions = new Set(["approve", "always", "deny"]);

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function idError(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (typeof value !== "string" || value.length === 0) return `${field} must be a non-empty string`;
  if (value.length > idChars) return `${field} is longer than ${idChars} characters`;
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function checkEmittedMessage(channel: string, raw: unknown): Checked<InboundMessage> {
  const record = asRecord(raw);
  if (!record) return refuse("the message is not a record");
  for (const field of ["messageId", "chatId", "senderId"]) {
    const error = idError(record, field);
    if (error) return refuse(error);
  }
  const { text, senderName, isDirect, unsupported } = record;
  if (typeof text !== "string") return refuse("text must be a string");
  if (text.length > emittedTextChars) {
    return refuse(`text is ${text.length} characters, above the cap of ${emittedTextChars}`);
  }
  if (typeof isDirect !== "boolean" || typeof unsupported !== "boolean") {
    return refuse("is-direct and unsupported must be booleans");
  }
  if (text.trim() === "" && !unsupported) return refuse("text is empty");
  if (senderName !== undefined && typeof senderName !== "string")
    return refuse("sender-name must be a string");
  return {
    ok: true,
    value: {
      channel,
      messageId: record.messageId as string,
      chatId: record.chatId as string,
      senderId: record.senderId as string,
      ...(senderName ? { senderName: senderName.slice(0, nameChars) } : {}),
      text,
      kind: unsupported ? "unsupported" : "text",
      isDirect,
    },
  };
}

export interface EmittedAction {
  readonly actionId: string;
  readonly action: ApprovalAction;
}

export function checkEmittedAction(channel: string, raw: unknown): Checked<EmittedAction> {
  const record = asRecord(raw);
  if (!record) return refuse("the action is not a record");
  for (const field of ["actionId", "chatId", "senderId", "approvalId"]) {
    const error = idError(record, field);
    if (error) return refuse(error);
  }
  if (typeof record.decision !== "string" || !decisions.has(record.decision)) {
    return refuse("decision must be approve, always or deny");
  }
  return {
    ok: true,
    value: {
      actionId: record.actionId as string,
      action: {
        channel,
        chatId: record.chatId as string,
        senderId: record.senderId as string,
        approvalId: record.approvalId as string,
        decision: record.decision as ApprovalAction["decision"],
      },
    },
  };
}
