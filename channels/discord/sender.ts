/**
 * Sending to Discord over REST (discord.js's REST client, which queues per rate-limit bucket and
 * waits out a 429's `Retry-After` before retrying). A logical message may span several Discord
 * messages (2000 characters each); its ref is the first one's id, and edits (streaming) update,
 * append or delete the parts. Every message goes out with `allowed_mentions: { parse: [] }`, so
 * nothing the model writes (`@everyone`, `<@id>`) pings anyone.
 */
import { type REST, Routes } from "discord.js";
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import { splitDiscordMessage } from "./format.ts";

/** What a send or edit carries besides the content (approval buttons). */
export interface MessageExtras {
  components?: unknown[];
}

const noMentions = { parse: [] };
/** Only recent messages are ever edited; older bookkeeping is dropped (oldest first). */
const REMEMBERED = 500;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value as string);
}

/** Discord rejects an empty message; a blank answer still needs something to show (and a ref). */
function chunksOf(markdown: string): string[] {
  const chunks = splitDiscordMessage(markdown);
  return chunks.length > 0 ? chunks : ["…"];
}

export class DiscordSender {
  /** Discord message ids of each logical message, keyed by channel and first id. */
  readonly #parts = new Map<string, string[]>();
  /** The content of each part as last sent, to skip edits that would change nothing. */
  readonly #shown = new Map<string, string>();

  constructor(
    private readonly rest: REST,
    private readonly log: Logger,
  ) {}

  async send(channelId: string, markdown: string): Promise<MessageRef> {
    const ids: string[] = [];
    for (const chunk of chunksOf(markdown)) ids.push(await this.post(channelId, chunk));
    const first = ids[0] as string;
    remember(this.#parts, `${channelId}:${first}`, ids);
    return { chatId: channelId, messageId: first };
  }

  async edit(ref: MessageRef, markdown: string): Promise<void> {
    const key = `${ref.chatId}:${ref.messageId}`;
    const ids = this.#parts.get(key) ?? [ref.messageId];
    const chunks = chunksOf(markdown);
    for (const [index, chunk] of chunks.entries()) {
      const id = ids[index];
      if (id === undefined) ids.push(await this.post(ref.chatId, chunk));
      else if (this.#shown.get(id) !== chunk) await this.patch(ref.chatId, id, chunk);
    }
    for (const extra of ids.splice(chunks.length)) {
      await this.rest
        .delete(Routes.channelMessage(ref.chatId, extra))
        .catch((error: unknown) => this.log.warn("could not delete a message part", { error }));
    }
    remember(this.#parts, key, ids);
  }

  /** One Discord message, content already within the limit. Returns its id. */
  async post(channelId: string, content: string, extras: MessageExtras = {}): Promise<string> {
    const sent = (await this.rest.post(Routes.channelMessages(channelId), {
      body: { content, allowed_mentions: noMentions, ...extras },
    })) as { id: string };
    remember(this.#shown, sent.id, content);
    return sent.id;
  }

  async patch(
    channelId: string,
    messageId: string,
    content: string,
    extras: MessageExtras = {},
  ): Promise<void> {
    await this.rest.patch(Routes.channelMessage(channelId, messageId), {
      body: { content, allowed_mentions: noMentions, ...extras },
    });
    remember(this.#shown, messageId, content);
  }

  async typing(channelId: string): Promise<void> {
    await this.rest.post(Routes.channelTyping(channelId));
  }
}
