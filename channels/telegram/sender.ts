/**
 * Sending to Telegram: Markdown → Telegram HTML, split at 4096 characters, with a plain-text retry
 * when Telegram still rejects the markup. A logical message may span several Telegram messages;
 * its ref is the first one's id, and edits (streaming) update, append or delete the parts.
 */
import { type Api, GrammyError } from "grammy";
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import { markdownToTelegramHtml, plainTextFallback, splitTelegramMessage } from "./format.ts";

const isParseError = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /can't parse entities|unsupported start tag|can't find end/i.test(error.description);
const isNotModified = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  /message is not modified/i.test(error.description);

export class TelegramSender {
  /** Telegram message ids of each logical message, keyed by chat and first id. */
  readonly #parts = new Map<string, number[]>();
  /** The text of each part as last sent, to skip edits that would change nothing. */
  readonly #shown = new Map<number, string>();

  constructor(
    private readonly api: Api,
    private readonly log: Logger,
  ) {}

  async send(chatId: string, markdown: string): Promise<MessageRef> {
    const ids: number[] = [];
    for (const chunk of splitTelegramMessage(markdown)) ids.push(await this.#sendChunk(chatId, chunk));
    const first = ids[0] as number;
    this.#parts.set(`${chatId}:${first}`, ids);
    return { chatId, messageId: String(first) };
  }

  async edit(ref: MessageRef, markdown: string): Promise<void> {
    const key = `${ref.chatId}:${ref.messageId}`;
    const ids = this.#parts.get(key) ?? [Number(ref.messageId)];
    const chunks = splitTelegramMessage(markdown);
    for (const [index, chunk] of chunks.entries()) {
      const id = ids[index];
      if (id === undefined) ids.push(await this.#sendChunk(ref.chatId, chunk));
      else await this.#editChunk(ref.chatId, id, chunk);
    }
    for (const extra of ids.splice(chunks.length)) {
      await this.api
        .deleteMessage(ref.chatId, extra)
        .catch((error: unknown) => this.log.warn("could not delete a message part", { error }));
    }
    this.#parts.set(key, ids);
  }

  async #sendChunk(chatId: string, chunk: string): Promise<number> {
    try {
      const sent = await this.api.sendMessage(chatId, markdownToTelegramHtml(chunk), { parse_mode: "HTML" });
      this.#shown.set(sent.message_id, chunk);
      return sent.message_id;
    } catch (error) {
      if (!isParseError(error)) throw error;
      this.log.warn("Telegram rejected the HTML; sending plain text", { error });
      const sent = await this.api.sendMessage(chatId, plainTextFallback(chunk));
      this.#shown.set(sent.message_id, chunk);
      return sent.message_id;
    }
  }

  async #editChunk(chatId: string, messageId: number, chunk: string): Promise<void> {
    if (this.#shown.get(messageId) === chunk) return;
    try {
      await this.api.editMessageText(chatId, messageId, markdownToTelegramHtml(chunk), {
        parse_mode: "HTML",
      });
    } catch (error) {
      if (isNotModified(error)) return;
      if (!isParseError(error)) throw error;
      await this.api.editMessageText(chatId, messageId, plainTextFallback(chunk)).catch((inner: unknown) => {
        if (!isNotModified(inner)) throw inner;
      });
    }
    this.#shown.set(messageId, chunk);
  }
}
