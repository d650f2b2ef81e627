/**
 * The Bot API methods the fake answers (everything but getUpdates, which is asynchronous and
 * lives in update-queue.ts). Validation mirrors what Telegram rejects, with its wording, because
 * the channel's error handling branches on those answers: HTML that does not parse, text over
 * 4096 characters, an edit that changes nothing, a message that no longer exists.
 */
import type { InlineKeyboardMarkup, ResponseParameters } from "grammy/types";
import { type FakeMessage, type FakeState, unixTime } from "./fake-state.ts";
import { parseTelegramHtml } from "./telegram-html.ts";
import type { UpdateQueue } from "./update-queue.ts";

/** The error part of Telegram's response envelope. */
export interface TelegramErrorBody {
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

export type MethodOutcome = { ok: true; result: unknown } | { ok: false; error: TelegramErrorBody };
export type Params = Record<string, unknown>;
type Handler = (params: Params) => MethodOutcome;

const MESSAGE_LIMIT = 4096;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

const ok = (result: unknown): MethodOutcome => ({ ok: true, result });
const badRequest = (description: string): MethodOutcome => ({
  ok: false,
  error: { error_code: 400, description: `Bad Request: ${description}` },
});

/** Telegram accepts numbers as JSON numbers or as strings (form bodies). */
function integer(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function markupError(markup: unknown): MethodOutcome | undefined {
  if (markup === undefined || typeof markup !== "object" || markup === null) return undefined;
  if (!("inline_keyboard" in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    return badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  for (const button of rows.flat() as Record<string, unknown>[]) {
    if (typeof button.text !== "string" || button.text === "") return badRequest("text must be non-empty");
    if ("callback_data" in button) {
      const bytes = new TextEncoder().encode(String(button.callback_data)).length;
      if (bytes < 1 || bytes > 64) return badRequest("BUTTON_DATA_INVALID");
    } else if (Object.keys(button).length === 1) {
      return badRequest("text buttons are unallowed in the inline keyboard");
    }
  }
  return undefined;
}

function inlineKeyboard(markup: unknown): InlineKeyboardMarkup | undefined {
  return typeof markup === "object" && markup !== null && "inline_keyboard" in markup
    ? (markup as InlineKeyboardMarkup)
    : undefined;
}

type Content = { text: string; plainText: string; parseMode?: string; replyMarkup?: InlineKeyboardMarkup };

function readContent(params: Params): Content | MethodOutcome {
  const text = typeof params.text === "string" ? params.text : "";
  const parseMode =
    typeof params.parse_mode === "string" && params.parse_mode !== "" ? params.parse_mode : undefined;
  let plainText = text;
  if (parseMode === "HTML") {
    const parsed = parseTelegramHtml(text);
    if (!parsed.ok) return badRequest(`can't parse entities: ${parsed.error}`);
    plainText = parsed.text;
  } else if (parseMode !== undefined && parseMode !== "MarkdownV2" && parseMode !== "Markdown") {
    return badRequest("unsupported parse_mode");
  }
  if (plainText.trim() === "") return badRequest("message text is empty");
  if (plainText.length > MESSAGE_LIMIT) return badRequest("message is too long");
  const invalidMarkup = markupError(params.reply_markup);
  if (invalidMarkup) return invalidMarkup;
  return { text, plainText, parseMode, replyMarkup: inlineKeyboard(params.reply_markup) };
}

function sameMarkup(a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function createMethods(state: FakeState, queue: UpdateQueue): Record<string, Handler> {
  const target = (params: Params, missing: string): FakeMessage | MethodOutcome => {
    if (params.inline_message_id !== undefined)
      return badRequest("inline messages are not supported by the fake");
    const chatId = integer(params.chat_id);
    const messageId = integer(params.message_id);
    if (chatId === undefined) return badRequest("chat not found");
    if (messageId === undefined) return badRequest("message identifier is not specified");
    return state.find(chatId, messageId) ?? badRequest(missing);
  };
  const isOutcome = (value: object): value is MethodOutcome => "ok" in value;

  return {
    getMe: () => ok(state.bot),
    sendMessage(params) {
      const chatId = integer(params.chat_id);
      if (chatId === undefined) return badRequest("chat not found");
      const content = readContent(params);
      if ("ok" in content) return content;
      const messageId = state.nextMessageId(chatId);
      const message = { chatId, messageId, ...content, date: unixTime(), deleted: false, edits: [] };
      return ok(state.toMessage(state.addMessage(message)));
    },
    editMessageText(params) {
      const message = target(params, "message to edit not found");
      if (isOutcome(message)) return message;
      const content = readContent(params);
      if ("ok" in content) return content;
      const unchanged = message.text === content.text && message.parseMode === content.parseMode;
      if (unchanged && sameMarkup(message.replyMarkup, content.replyMarkup)) return badRequest(NOT_MODIFIED);
      // Like Telegram, an edit without reply_markup removes the inline keyboard.
      Object.assign(message, content);
      message.edits.push({ method: "editMessageText", ...content, at: Date.now() });
      return ok(state.toMessage(message));
    },
    editMessageReplyMarkup(params) {
      const message = target(params, "message to edit not found");
      if (isOutcome(message)) return message;
      const invalidMarkup = markupError(params.reply_markup);
      if (invalidMarkup) return invalidMarkup;
      const replyMarkup = inlineKeyboard(params.reply_markup);
      if (sameMarkup(message.replyMarkup, replyMarkup)) return badRequest(NOT_MODIFIED);
      message.replyMarkup = replyMarkup;
      const { text, parseMode } = message;
      message.edits.push({ method: "editMessageReplyMarkup", text, parseMode, replyMarkup, at: Date.now() });
      return ok(state.toMessage(message));
    },
    deleteMessage(params) {
      const message = target(params, "message to delete not found");
      if (isOutcome(message)) return message;
      message.deleted = true;
      return ok(true);
    },
    answerCallbackQuery(params) {
      const answered = state.answerQuery(String(params.callback_query_id ?? ""));
      return answered
        ? ok(true)
        : badRequest("query is too old and response timeout expired or query ID is invalid");
    },
    sendChatAction(params) {
      if (integer(params.chat_id) === undefined) return badRequest("chat not found");
      return CHAT_ACTIONS.has(String(params.action))
        ? ok(true)
        : badRequest("wrong parameter action in request");
    },
    setMyCommands(params) {
      const commands = Array.isArray(params.commands) ? (params.commands as Record<string, unknown>[]) : [];
      const valid = commands.every(
        (entry) =>
          /^[a-z0-9_]{1,32}$/.test(String(entry.command)) && String(entry.description ?? "").length > 0,
      );
      if (!valid) return badRequest("BOT_COMMAND_INVALID");
      state.commands.splice(0, state.commands.length, ...commands.map((entry) => ({ ...entry }) as never));
      return ok(true);
    },
    getMyCommands: () => ok(state.commands),
    setWebhook(params) {
      state.webhook = { url: String(params.url ?? ""), secretToken: String(params.secret_token ?? "") };
      if (params.drop_pending_updates === true || params.drop_pending_updates === "true") queue.clear();
      return ok(true);
    },
    deleteWebhook(params) {
      state.webhook = { url: "", secretToken: "" };
      if (params.drop_pending_updates === true || params.drop_pending_updates === "true") queue.clear();
      return ok(true);
    },
    getWebhookInfo: () =>
      ok({
        url: state.webhook.url,
        has_custom_certificate: false,
        pending_update_count: queue.pendingCount(),
      }),
  };
}
