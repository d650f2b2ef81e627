/**
 * Sending to Slack: Markdown → mrkdwn section blocks, split to Slack's limits (format.ts). The
 * parts, edits (streaming, about once a second: chat.update, chat.postMessage, chat.delete) and
 * the blank-message rule are the shared messenger's (../shared/multipart-messenger.ts); this
 * file turns parts into Block Kit messages and keeps Slack's ephemeral notices.
 */
import type { Logger } from "../../src/log.ts";
import type { MessageRef } from "../../src/plugin/channel.ts";
import { createMultipartMessenger, type MultipartMessenger } from "../shared/multipart-messenger.ts";
import type { CallSlack } from "./api.ts";
import type { BlockMessage } from "./buttons.ts";
import { type SlackMessagePart, splitSlackMessage } from "./format.ts";

function toBlockMessage(part: SlackMessagePart): BlockMessage {
  return {
    text: part.text,
    blocks: part.sections.map((text) => ({ type: "section", text: { type: "mrkdwn", text } })),
  };
}

export class SlackSender {
  readonly #messenger: MultipartMessenger;

  constructor(
    private readonly callSlack: CallSlack,
    log: Logger,
  ) {
    this.#messenger = createMultipartMessenger<SlackMessagePart>(
      {
        split: (markdown) => splitSlackMessage(markdown),
        contentOf: (part) => part.text,
        post: (channel, part) => this.post(channel, toBlockMessage(part)),
        update: (channel, ts, part) => this.update(channel, ts, toBlockMessage(part)),
        remove: async (channel, ts) => {
          await this.callSlack("chat.delete", { channel, ts });
        },
      },
      { log },
    );
  }

  send(channel: string, markdown: string): Promise<MessageRef> {
    return this.#messenger.send(channel, markdown);
  }

  edit(ref: MessageRef, markdown: string): Promise<void> {
    return this.#messenger.edit(ref, markdown);
  }

  /** Posts one Slack message; returns its `ts`. */
  async post(channel: string, message: BlockMessage): Promise<string> {
    const result = await this.callSlack("chat.postMessage", { channel, ...message });
    return String(result.ts);
  }

  async update(channel: string, ts: string, message: BlockMessage): Promise<void> {
    await this.callSlack("chat.update", { channel, ts, ...message });
  }

  /** A notice only `user` sees (stale or foreign button presses). */
  async ephemeral(channel: string, user: string, text: string): Promise<void> {
    await this.callSlack("chat.postEphemeral", { channel, user, text });
  }
}
