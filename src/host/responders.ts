/**
 * Where an answer for a conversation goes: a routine's to the scheduler (it delivers by the
 * routine's notify setting), a host surface's (terminal, api) to that surface, a chat's to its
 * channel through a streaming responder. A conversation whose channel is not running (it was
 * removed, or failed to start) gets a responder that logs instead of throwing, so a turn that
 * finishes after its channel went away still ends cleanly.
 */
import type { Responder } from "../agent/responder.ts";
import { createChannelResponder } from "../core/channel-responder.ts";
import type { Conversation } from "../db/conversations.ts";
import type { Logger } from "../log.ts";
import type { Channel } from "../plugin/channel.ts";

export interface ResponderRoutes {
  /** The scheduler's responders for routine conversations (read lazily: it is built later). */
  routine: () => { responderFor(conversation: Conversation): Responder };
  surfaces?: Readonly<Record<string, (conversation: Conversation) => Responder>>;
  channels: ReadonlyMap<string, Channel>;
  streamIntervalMs?: number;
  log: Logger;
}

export function createResponderRouter(routes: ResponderRoutes): (conversation: Conversation) => Responder {
  const { log } = routes;
  return (conversation) => {
    if (conversation.channel === "routine") return routes.routine().responderFor(conversation);
    const surface = routes.surfaces?.[conversation.channel];
    if (surface) return surface(conversation);
    const channel = routes.channels.get(conversation.channel);
    if (!channel) {
      return {
        onDelta: () => {},
        finish: async () => undefined,
        notice: async (text) => {
          log.warn("no channel to deliver to", { channel: conversation.channel, text: text.slice(0, 80) });
          return undefined;
        },
      };
    }
    return createChannelResponder(
      channel,
      { chatId: conversation.chatId },
      { intervalMs: routes.streamIntervalMs, log: log.child({ channel: channel.id }) },
    );
  };
}
