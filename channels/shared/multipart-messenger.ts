/**
 * One logical message as several platform messages. Every platform caps a message's length, so
 * a long answer is split and sent in parts; its ref is the first part's id. Streaming edits the
 * same logical message again and again: the messenger edits the parts that changed, sends the
 * ones that are new, and deletes the ones the shorter text no longer needs. Which parts belong
 * to a message, and what each shows, is remembered in bounded maps (only recent messages are
 * edited).
 *
 * The blank-message rule: a send or edit whose text is blank (or splits into nothing) is refused
 * with `BlankMessageError` before the platform is called. A message must show something, and a
 * placeholder would be a reply the model never wrote; the host never sends blank text, so the
 * error marks a caller's bug instead of a ref to a message that does not exist.
 *
 * Adapters supply only the platform calls (`MessagePlatform`); formatting and their quirks
 * (a parse-error fallback, "message is not modified") stay inside those calls.
 */
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import { BoundedMap } from "./bounded-map.ts";

/** How many logical messages (and parts) are remembered for edits. */
export const REMEMBERED_MESSAGES = 500;

/** A send or edit of blank text: refused without calling the platform. */
export class BlankMessageError extends Error {
  constructor() {
    super("refusing to send a blank message: there is nothing to show");
    this.name = "BlankMessageError";
  }
}

/** The platform calls a messenger needs; `Part` is one platform message's worth of content. */
export interface MessagePlatform<Part> {
  /** Splits Markdown at the platform limit; blank input gives []. */
  split(markdown: string): Part[];
  /** What a part shows, compared to skip edits that would change nothing. */
  contentOf(part: Part): string;
  /** Sends one part; returns the platform's message id. */
  post(chatId: string, part: Part): Promise<string>;
  update(chatId: string, messageId: string, part: Part): Promise<void>;
  remove(chatId: string, messageId: string): Promise<void>;
}

export interface MultipartMessengerOptions {
  log: Logger;
  /** Logical messages remembered for edits (default `REMEMBERED_MESSAGES`). */
  remembered?: number;
}

export interface MultipartMessenger {
  send(chatId: string, markdown: string): Promise<MessageRef>;
  edit(ref: MessageRef, markdown: string): Promise<void>;
  /** How many logical messages are remembered (bounded by the `remembered` option). */
  readonly rememberedMessages: number;
}

const keyOf = (chatId: string, messageId: string) => JSON.stringify([chatId, messageId]);

export function createMultipartMessenger<Part>(
  platform: MessagePlatform<Part>,
  options: MultipartMessengerOptions,
): MultipartMessenger {
  const capacity = options.remembered ?? REMEMBERED_MESSAGES;
  /** The ids of every part of a logical message, keyed by chat and first id. */
  const parts = new BoundedMap<string, string[]>(capacity);
  /** What each part shows as last sent, keyed by chat and message id. */
  const shown = new BoundedMap<string, string>(capacity * 4);

  const splitOrRefuse = (markdown: string): Part[] => {
    const split = markdown.trim() === "" ? [] : platform.split(markdown);
    if (split.length === 0) throw new BlankMessageError();
    return split;
  };

  const post = async (chatId: string, part: Part): Promise<string> => {
    const id = await platform.post(chatId, part);
    shown.set(keyOf(chatId, id), platform.contentOf(part));
    return id;
  };

  return {
    async send(chatId, markdown) {
      const ids: string[] = [];
      for (const part of splitOrRefuse(markdown)) ids.push(await post(chatId, part));
      const first = ids[0] as string;
      parts.set(keyOf(chatId, first), ids);
      return { chatId, messageId: first };
    },

    async edit(ref, markdown) {
      const split = splitOrRefuse(markdown);
      const key = keyOf(ref.chatId, ref.messageId);
      // Updated in place, so parts sent before a failure are still known to the next edit.
      let ids = parts.get(key);
      if (!ids) {
        ids = [ref.messageId];
        parts.set(key, ids);
      }
      for (const [index, part] of split.entries()) {
        const id = ids[index];
        if (id === undefined) {
          ids.push(await post(ref.chatId, part));
          continue;
        }
        const content = platform.contentOf(part);
        if (shown.get(keyOf(ref.chatId, id)) === content) continue;
        await platform.update(ref.chatId, id, part);
        shown.set(keyOf(ref.chatId, id), content);
      }
      for (const extra of ids.splice(split.length)) {
        shown.delete(keyOf(ref.chatId, extra));
        await platform
          .remove(ref.chatId, extra)
          .catch((error: unknown) => options.log.warn("could not delete a message part", { error }));
      }
      parts.set(key, ids);
    },

    get rememberedMessages() {
      return parts.size;
    },
  };
}
