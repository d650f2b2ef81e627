/**
 * Turns raw Telegram updates into what the host understands: a text message (or an unsupported
 * one, answered politely), or an approval button press. Anything malformed or irrelevant is
 * logged and skipped; a bad update never stops the channel.
 */
import type { Update } from "grammy/types";
import type { Logger } from "../../src/log.ts";
import type { ApprovalAction, InboundMessage } from "../../src/plugin/channel.ts";
import { decodeApprovalData } from "../shared/approval-codec.ts";

export type ParsedUpdate =
  | { kind: "message"; message: InboundMessage }
  | { kind: "press"; callbackId: string; action?: ApprovalAction }
  | { kind: "skip"; reason: string };

export function parseUpdate(update: Update, options: { allowGroups: boolean }, log: Logger): ParsedUpdate {
  if (update.message) {
    const message = update.message;
    if (!message.from || message.from.is_bot)
      return { kind: "skip", reason: "message without a human sender" };
    const isDirect = message.chat.type === "private";
    if (!isDirect && !options.allowGroups) return { kind: "skip", reason: "group message" };
    const text = message.text ?? message.caption;
    return {
      kind: "message",
      message: {
        channel: "telegram",
        chatId: String(message.chat.id),
        senderId: String(message.from.id),
        senderName:
          [message.from.first_name, message.from.last_name].filter(Boolean).join(" ") ||
          message.from.username,
        messageId: String(message.message_id),
        text: message.text ?? "",
        kind: message.text !== undefined && text !== undefined ? "text" : "unsupported",
        isDirect: isDirect || options.allowGroups,
      },
    };
  }
  if (update.callback_query) {
    const query = update.callback_query;
    const decoded = decodeApprovalData(query.data);
    const chatId = query.message?.chat.id;
    if (!decoded || chatId === undefined) {
      log.warn("a button press that does not decode", { data: query.data?.slice(0, 64) });
      return { kind: "press", callbackId: query.id };
    }
    return {
      kind: "press",
      callbackId: query.id,
      action: { channel: "telegram", chatId: String(chatId), senderId: String(query.from.id), ...decoded },
    };
  }
  return {
    kind: "skip",
    reason: `update type ${
      Object.keys(update)
        .filter((key) => key !== "update_id")
        .join(",") || "empty"
    }`,
  };
}
