/**
 * Handing an inbound message to the host when the platform will not deliver it again (Discord's
 * gateway, Slack after an ack): if storing fails (the database restarts), try again with growing
 * pauses instead of dropping what the owner wrote. The host's dedupe makes a retry harmless.
 */
import type { Logger } from "../../src/log.ts";
import type { InboundMessage } from "../../src/plugin/channel.ts";

const pausesMs = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

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
