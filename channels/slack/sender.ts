/**
 * Sending to Slack: Markdown → mrkdwn section blocks, split to Slack's limits (format.ts). A
 * logical message may span several Slack messages; its ref is the first one's `ts`, and edits
 * (streaming, about once a second) update, append or delete the parts with chat.update,
 * chat.postMessage and chat.delete. Edits that would change nothing are skipped.
 */
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import type { CallSlack } from "./api.ts";
import type { BlockMessage } from "./buttons.ts";
import { type SlackMessagePart, splitSlackMessage } from "./format.ts";

/** How many logical messages are remembered for edits; streaming only edits recent ones. */
const REMEMBERED = 500;
const EMPTY_REPLY = "_(no text)_";

function toBlockMessage(part: SlackMessagePart): BlockMessage {
  return {
    text: part.text,
    blocks: part.sections.map((text) => ({ type: "section", text: { type: "mrkdwn", text } })),
  };
}

function partsOf(markdown: string): SlackMessagePart[] {
  const parts = splitSlackMessage(markdown);
  return parts.length > 0 ? parts : [{ text: EMPTY_REPLY, sections: [EMPTY_REPLY] }];
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value as string);
}

export class SlackSender {
  /** The `ts` of every part of a logical message, keyed by channel and first `ts`. */
  readonly #parts = new Map<string, string[]>();
  /** Each part's text as last sent, keyed by channel and `ts`. */
  readonly #shown = new Map<string, string>();

  constructor(
    private readonly callSlack: CallSlack,
    private readonly log: Logger,
  ) {}

  async send(channel: string, markdown: string): Promise<MessageRef> {
    const ids: string[] = [];
    for (const part of partsOf(markdown)) ids.push(await this.post(channel, toBlockMessage(part)));
    const first = ids[0] as string;
    remember(this.#parts, `${channel}:${first}`, ids);
    return { chatId: channel, messageId: first };
  }

  async edit(ref: MessageRef, markdown: string): Promise<void> {
    const key = `${ref.chatId}:${ref.messageId}`;
    const ids = this.#parts.get(key) ?? [ref.messageId];
    const parts = partsOf(markdown);
    for (const [index, part] of parts.entries()) {
      const ts = ids[index];
      if (ts === undefined) ids.push(await this.post(ref.chatId, toBlockMessage(part)));
      else if (this.#shown.get(`${ref.chatId}:${ts}`) !== part.text) {
        await this.update(ref.chatId, ts, toBlockMessage(part));
      }
    }
    for (const extra of ids.splice(parts.length)) {
      await this.callSlack("chat.delete", { channel: ref.chatId, ts: extra }).catch((error: unknown) =>
        this.log.warn("could not delete a message part", { error }),
      );
    }
    remember(this.#parts, key, ids);
  }

  /** Posts one Slack message; returns its `ts`. */
  async post(channel: string, message: BlockMessage): Promise<string> {
    const result = await this.callSlack("chat.postMessage", { channel, ...message });
    const ts = String(result.ts);
    remember(this.#shown, `${channel}:${ts}`, message.text);
    return ts;
  }

  async update(channel: string, ts: string, message: BlockMessage): Promise<void> {
    await this.callSlack("chat.update", { channel, ts, ...message });
    remember(this.#shown, `${channel}:${ts}`, message.text);
  }

  /** A notice only `user` sees (stale or foreign button presses). */
  async ephemeral(channel: string, user: string, text: string): Promise<void> {
    await this.callSlack("chat.postEphemeral", { channel, user, text });
  }
}
