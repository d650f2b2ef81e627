/**
 * Streams a turn's answer into a chat: the first text becomes a message, later text edits it at
 * most once per `intervalMs`, and the final answer is one last edit carrying the full text
 * (or a plain send on channels that cannot edit). A typing indicator runs until the answer is
 * done. Edits are serialized so they never race each other.
 */
import type { Logger } from "../log.ts";
import type { Channel, ChatTarget, MessageRef } from "../plugin/channel.ts";
import type { Responder } from "./responder.ts";

export interface ChannelResponderOptions {
  intervalMs?: number;
  typingEveryMs?: number;
  log: Logger;
}

export function createChannelResponder(
  channel: Channel,
  to: ChatTarget,
  options: ChannelResponderOptions,
): Responder {
  const intervalMs = options.intervalMs ?? 1000;
  let streamed = "";
  let shown = "";
  let ref: MessageRef | undefined;
  let chain: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastFlush = 0;
  let done = false;

  const typing = channel.setTyping
    ? setInterval(() => void channel.setTyping?.(to).catch(() => {}), options.typingEveryMs ?? 4000)
    : undefined;
  void channel.setTyping?.(to).catch(() => {});

  const enqueue = (work: () => Promise<void>): Promise<void> => {
    chain = chain
      .then(work)
      .catch((error: unknown) => options.log.warn("streaming update failed", { channel: channel.id, error }));
    return chain;
  };

  const flush = () =>
    enqueue(async () => {
      timer = undefined;
      if (done || streamed === shown || !streamed.trim()) return;
      lastFlush = Date.now();
      const text = streamed;
      if (!ref) ref = await channel.send(to, { text });
      else await channel.edit?.(ref, { text });
      shown = text;
    });

  const stopTyping = () => {
    if (typing) clearInterval(typing);
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  return {
    onDelta(text) {
      if (!channel.edit || done) return; // without edits, only the final answer is sent
      streamed += text;
      if (timer) return;
      timer = setTimeout(() => void flush(), Math.max(0, lastFlush + intervalMs - Date.now()));
    },
    async finish(text) {
      stopTyping();
      await chain;
      done = true;
      if (ref && channel.edit) {
        try {
          if (shown !== text) await channel.edit(ref, { text });
          return ref.messageId;
        } catch (error) {
          // e.g. the owner deleted the message being streamed into: send the answer anew.
          options.log.warn("final edit failed; sending the answer as a new message", {
            channel: channel.id,
            error,
          });
        }
      }
      ref = await channel.send(to, { text });
      return ref.messageId;
    },
    async notice(text) {
      stopTyping();
      await chain;
      done = true;
      const sent = await channel.send(to, { text });
      return sent.messageId;
    },
    askApproval: channel.askApproval ? (prompt) => channel.askApproval!(to, prompt) : undefined,
    settleApproval: channel.settleApproval
      ? (sentRef, outcome, prompt) => channel.settleApproval!(sentRef, outcome, prompt)
      : undefined,
  };
}
