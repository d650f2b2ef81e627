/**
 * Turns discord.js events into what the host understands: a message (text, or "unsupported"
 * for attachment-, embed- or sticker-only ones, answered politely) or an approval button press.
 * The bot's own messages (Discord echoes them in DMs) and other bots are skipped. Guild messages
 * are reported with `isDirect: false` — the host logs and drops them — unless guilds are allowed
 * and the bot is @mentioned; then the mention is stripped and the message counts as addressed to
 * the bot (the owner check still applies).
 */
import { type ButtonInteraction, type Message, MessageType } from "discord.js";
import type { ApprovalAction, InboundMessage } from "../../src/plugin/channel.ts";
import { decodeApprovalData } from "../shared/approval-codec.ts";

export type ParsedMessage = { kind: "message"; message: InboundMessage } | { kind: "skip"; reason: string };

export interface ParseOptions {
  botId: string;
  allowGuilds: boolean;
}

export function parseMessage(message: Message, options: ParseOptions): ParsedMessage {
  const author = message.author;
  if (!author) return { kind: "skip", reason: "message without an author" };
  if (author.bot || author.id === options.botId) return { kind: "skip", reason: "message from a bot" };
  if (message.system || (message.type !== MessageType.Default && message.type !== MessageType.Reply))
    return { kind: "skip", reason: `message of type ${message.type}` };
  const inDm = message.guildId === null;
  const addressed = options.allowGuilds && message.mentions.users.has(options.botId);
  let text = message.content ?? "";
  if (!inDm && addressed) text = text.replaceAll(new RegExp(`<@!?${options.botId}>`, "g"), "").trim();
  const hasOtherContent =
    message.attachments.size > 0 ||
    message.embeds.length > 0 ||
    message.stickers.size > 0 ||
    message.poll !== null;
  return {
    kind: "message",
    message: {
      channel: "discord",
      chatId: message.channelId,
      senderId: author.id,
      senderName: author.globalName ?? author.username,
      messageId: message.id,
      text,
      kind: text.trim() === "" && hasOtherContent ? "unsupported" : "text",
      isDirect: inDm || addressed,
    },
  };
}

/** The approval a button press asks for, or undefined when its custom_id does not decode. */
export function parsePress(interaction: ButtonInteraction): ApprovalAction | undefined {
  const decoded = decodeApprovalData(interaction.customId);
  if (!decoded || !interaction.channelId) return undefined;
  return { channel: "discord", chatId: interaction.channelId, senderId: interaction.user.id, ...decoded };
}
