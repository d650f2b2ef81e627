/**
 * Handing an inbound message to the host when the platform will not deliver it again (Discord's
 * gateway, Slack after an ack): if storing fails (the database restarts), try again with growing
 * pauses instead of dropping what the owner wrote. The host's dedupe makes a retry harmless.
 *
 * Order matters as much as delivery: messages of one chat that arrive while the database is down
 * must be stored, and so answered, in the order they arrived. Retrying each one on its own lets
 * them race (a message arriving after the recovery was stored before those still pausing), so
 * `createOrderedStore` keeps one FIFO per chat: only its head is tried, with the pauses, and the
 * next one waits until the head is stored or given up.
 */
import { KeyedQueue } from "../../src/core/keyed-queue.ts";
import type { Logger } from "../../src/log.ts";
import type { InboundMessage } from "../../src/plugin/channel.ts";

const pausesMs = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

/** Hands `message` to `onMessage` (the host), retrying while storing fails. */
export type StoreInbound = (
  onMessage: (message: InboundMessage) => Promise<void>,
  message: InboundMessage,
  log: Logger,
) => Promise<void>;

export async function storeWithRetry(
  onMessage: (message: InboundMessage) => Promise<void>,
  message: InboundMessage,
  log: Logger,
  pauses: readonly number[] = pausesMs,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await onMessage(message);
      return;
    } catch (error) {
      const pause = pauses[attempt];
      if (pause === undefined) throw error;
      log.warn("could not store an inbound message; retrying", {
        channel: message.channel,
        messageId: message.messageId,
        attempt: attempt + 1,
        error,
      });
      await Bun.sleep(pause);
    }
  }
}

/**
 * A `storeWithRetry` (same arguments) that keeps arrival order per chat. Create one per channel
 * instance. Each call resolves once its message is stored, or rejects when the pauses run out —
 * for that message only: the next one of the chat is tried then.
 */
export function createOrderedStore(pauses: readonly number[] = pausesMs): StoreInbound {
  const queue = new KeyedQueue();
  return (onMessage, message, log) =>
    queue.run(JSON.stringify([message.channel, message.chatId]), () =>
      storeWithRetry(onMessage, message, log, pauses),
    );
}
