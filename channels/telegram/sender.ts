/**
 * Sending to Telegram: Markdown → Telegram HTML, split at 4096 characters, with a plain-text retry
 * when Telegram still rejects the markup. The parts, edits and the blank-message rule are the
 * shared messenger's (../shared/multipart-messenger.ts); this file holds Telegram's quirks: the
 * parse-error fallback and "message is not modified", which is success.
 */
import { type Api, GrammyError } from "grammy";
import type { Logger } from "../../src/log.ts";
import { createMultipartMessenger, type MultipartMessenger } from "../shared/multipart-messenger.ts";
import { markdownToTelegramHtml, plainTextFallback, splitTelegramMessage } from "./format.ts";

const isParseError = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /can't parse entities|unsupported start tag|can't find end/i.test(error.description);
const isNotModified = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /message is not modified/i.test(error.description);

/** A messenger whose parts are Markdown chunks that fit one Telegram message once converted. */
export function createTelegramMessenger(api: Api, log: Logger): MultipartMessenger {
  async function post(chatId: string, chunk: string): Promise<string> {
    try {
      const sent = await api.sendMessage(chatId, markdownToTelegramHtml(chunk), { parse_mode: "HTML" });
      return String(sent.message_id);
    } catch (error) {
      if (!isParseError(error)) throw error;
      log.warn("Telegram rejected the HTML; sending plain text", { error });
      const sent = await api.sendMessage(chatId, plainTextFallback(chunk));
      return String(sent.message_id);
    }
  }

  async function update(chatId: string, messageId: string, chunk: string): Promise<void> {
    try {
      await api.editMessageText(chatId, Number(messageId), markdownToTelegramHtml(chunk), {
        parse_mode: "HTML",
      });
    } catch (error) {
      if (isNotModified(error)) return;
      if (!isParseError(error)) throw error;
      await api
        .editMessageText(chatId, Number(messageId), plainTextFallback(chunk))
        .catch((inner: unknown) => {
          if (!isNotModified(inner)) throw inner;
        });
    }
  }

  return createMultipartMessenger<string>(
    {
      split: (markdown) => splitTelegramMessage(markdown),
      contentOf: (chunk) => chunk,
      post,
      update,
      remove: async (chatId, messageId) => {
        await api.deleteMessage(chatId, Number(messageId));
      },
    },
    { log },
  );
}
