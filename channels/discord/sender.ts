/**
 * Sending to Discord over REST. The parts, edits and the blank-message rule are the shared
 * messenger's (../shared/multipart-messenger.ts); this file holds Discord's quirks: every message
 * goes out with `allowed_mentions: { parse: [] }`, so nothing the model writes (`@everyone`,
 * `<@id>`) pings anyone, and rate limits on channel routes are waited out here.
 *
 * Why our own 429 handling: discord.js's REST would otherwise sleep inside its queue, where
 * stopping the channel cannot reach. connection.ts makes it reject on channel routes instead
 * (`RateLimitError` with the wait in ms), and every call here retries through the shared wait:
 * capped (`maxRateLimitWaitMs`) and cut short when the channel stops.
 */
import { RateLimitError, type REST, Routes } from "discord.js";
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import { createMultipartMessenger, type MultipartMessenger } from "../shared/multipart-messenger.ts";
import { waitForRetry } from "../shared/rate-limit-wait.ts";
import { splitDiscordMessage } from "./format.ts";

/** What a send or edit carries besides the content (approval buttons). */
export interface MessageExtras {
  components?: unknown[];
}

export interface DiscordSenderOptions {
  log: Logger;
  /** Rate-limit waits longer than this fail the call. */
  maxRateLimitWaitMs: number;
  /** Aborts when the channel stops. */
  stopSignal: AbortSignal;
  maxRateLimitRetries?: number;
}

const noMentions = { parse: [] };

export class DiscordSender {
  readonly #messenger: MultipartMessenger;

  constructor(
    private readonly rest: REST,
    private readonly options: DiscordSenderOptions,
  ) {
    this.#messenger = createMultipartMessenger<string>(
      {
        split: (markdown) => splitDiscordMessage(markdown),
        contentOf: (chunk) => chunk,
        post: (channelId, chunk) => this.post(channelId, chunk),
        update: (channelId, messageId, chunk) => this.patch(channelId, messageId, chunk),
        remove: async (channelId, messageId) => {
          await this.#call(() => this.rest.delete(Routes.channelMessage(channelId, messageId)));
        },
      },
      { log: options.log },
    );
  }

  send(channelId: string, markdown: string): Promise<MessageRef> {
    return this.#messenger.send(channelId, markdown);
  }

  edit(ref: MessageRef, markdown: string): Promise<void> {
    return this.#messenger.edit(ref, markdown);
  }

  /** One Discord message, content already within the limit. Returns its id. */
  async post(channelId: string, content: string, extras: MessageExtras = {}): Promise<string> {
    const sent = (await this.#call(() =>
      this.rest.post(Routes.channelMessages(channelId), {
        body: { content, allowed_mentions: noMentions, ...extras },
      }),
    )) as { id: string };
    return sent.id;
  }

  async patch(
    channelId: string,
    messageId: string,
    content: string,
    extras: MessageExtras = {},
  ): Promise<void> {
    await this.#call(() =>
      this.rest.patch(Routes.channelMessage(channelId, messageId), {
        body: { content, allowed_mentions: noMentions, ...extras },
      }),
    );
  }

  async typing(channelId: string): Promise<void> {
    await this.#call(() => this.rest.post(Routes.channelTyping(channelId)));
  }

  async #call<T>(request: () => Promise<T>): Promise<T> {
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof RateLimitError) || attempt >= maxRetries) throw error;
        const retry = await waitForRetry(error.retryAfter, this.options.stopSignal, {
          log: this.options.log,
          capMs: this.options.maxRateLimitWaitMs,
          context: { route: error.route, attempt: attempt + 1 },
        });
        if (!retry) throw error;
      }
    }
  }
}
