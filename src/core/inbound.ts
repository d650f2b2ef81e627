/**
 * The inbound pipeline, ordered once here:
 *   owner-only → store once (dedupe) → refusals (not text, empty, too long) → commands → queue → turn
 * Strangers are dropped before anything is stored, so their text never reaches the database or
 * the LLM. Storing is the dedupe point: a redelivered platform message id stops there. A stored
 * message is marked handled when a turn, command or notice took care of it; start-up re-runs the
 * pipeline (from the refusals on) for stored messages that never were. A refused message is
 * stored already marked as such (`refusal`), so it never becomes part of the model's history.
 */
import type { Database } from "../db/client.ts";
import type { ActiveConversationLookup } from "../db/conversation-cache.ts";
import {
  type Conversation,
  getOrCreateConversation,
  recordMessage,
  recordOutbound,
  type StoredMessage,
} from "../db/conversations.ts";
import type { MessageRefusal } from "../db/schema/index.ts";
import { markMessageHandled } from "../db/turns.ts";
import type { Logger } from "../log.ts";
import type { InboundMessage } from "../plugin/channel.ts";
import type { AgentPort } from "./agent-port.ts";
import type { KeyedQueue } from "./keyed-queue.ts";
import { compose, type Middleware } from "./middleware.ts";
import { refusalNotice, refusalOf } from "./refusals.ts";
import type { Responder } from "./responder.ts";

export interface InboundContext {
  message: InboundMessage;
  conversation?: Conversation;
  stored?: StoredMessage;
  responder: () => Responder;
}

/** A chat command: `/name args`. Returns the reply, or undefined to pass the message on. */
export type CommandHandler = (args: string, context: Required<InboundContext>) => Promise<string | undefined>;

export interface InboundOptions {
  db: Database;
  log: Logger;
  isOwner: (channel: string, senderId: string) => Promise<boolean>;
  /** What to answer a stranger (a pairing code), or undefined to ignore them. */
  strangerReply?: (message: InboundMessage) => Promise<string | undefined>;
  /** Sends a host notice straight to a chat (no conversation is created for strangers). */
  sendDirect?: (channel: string, chatId: string, text: string) => Promise<void>;
  maxMessageChars: number;
  /** A chat's active conversation (src/db/conversation-cache.ts); default: read every time. */
  activeConversation?: ActiveConversationLookup;
  /**
   * Screens an owner's text before it is stored (src/safety/inbound-guard.ts): a pasted key is
   * stored redacted and refused as `secret`, so it never reaches the LLM. Default: stored as is.
   */
  screenInbound?: (text: string, channel: string) => Promise<{ text: string; containsSecret: boolean }>;
  commands: Readonly<Record<string, CommandHandler>>;
  queue: KeyedQueue;
  agent: Pick<AgentPort, "answer">;
  responderFor: (conversation: Conversation) => Responder;
}

type Step = Middleware<InboundContext>;

function rejectStrangers(options: InboundOptions): Step {
  return async function ownerOnly(context, next) {
    const { message } = context;
    if (!message.isDirect) {
      options.log.info("ignored a message outside a direct chat", {
        channel: message.channel,
        chat: message.chatId,
      });
      return;
    }
    if (!(await options.isOwner(message.channel, message.senderId))) {
      const reply = await options.strangerReply?.(message);
      options.log.warn(
        reply
          ? "sent a pairing code to an unknown sender"
          : "ignored a message from someone who is not the owner",
        {
          channel: message.channel,
          sender: message.senderId,
        },
      );
      if (reply) await options.sendDirect?.(message.channel, message.chatId, reply);
      return;
    }
    await next();
  };
}

function storeOnce(options: InboundOptions): Step {
  return async function dedupe(context, next) {
    const { message } = context;
    const conversation = options.activeConversation
      ? await options.activeConversation(message.channel, message.chatId)
      : await getOrCreateConversation(options.db, message.channel, message.chatId);
    const screened = await options.screenInbound?.(message.text, message.channel);
    const { message: stored, duplicate } = await recordMessage(options.db, {
      conversationId: conversation.id,
      channel: message.channel,
      chatId: message.chatId,
      direction: "inbound",
      role: "user",
      content: screened?.text ?? message.text,
      platformMessageId: message.messageId,
      metadata: message.kind === "unsupported" ? { unsupported: true } : undefined,
      refusal: screened?.containsSecret
        ? "secret"
        : refusalOf(message.text, message.kind === "unsupported", options.maxMessageChars),
    });
    if (duplicate) {
      options.log.info("ignored a redelivered message", {
        channel: message.channel,
        messageId: message.messageId,
      });
      return;
    }
    context.conversation = conversation;
    context.stored = stored;
    await next();
  };
}

async function replyAndMarkHandled(
  options: InboundOptions,
  context: InboundContext,
  text: string,
  refusal?: MessageRefusal,
): Promise<void> {
  const { conversation, stored } = context as Required<InboundContext>;
  await markMessageHandled(options.db, stored.id, refusal);
  const platformId = await context.responder().notice(text);
  await recordOutbound(options.db, conversation, {
    role: "system",
    content: text,
    platformMessageId: platformId,
  });
}

function refuseContent(options: InboundOptions): Step {
  return async function refusals(context, next) {
    const { stored } = context as Required<InboundContext>;
    // Rows stored before the `refusal` column existed are judged again.
    const refusal =
      stored.refusal ??
      refusalOf(
        stored.content,
        (stored.metadata as { unsupported?: boolean } | null)?.unsupported === true,
        options.maxMessageChars,
      );
    if (!refusal) return next();
    const notice = refusalNotice(refusal, stored.content, options.maxMessageChars);
    await replyAndMarkHandled(options, context, notice, refusal);
  };
}

function runCommands(options: InboundOptions): Step {
  return async function commands(context, next) {
    const match = /^\/([a-z_]+)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(
      (context.stored as StoredMessage).content.trim(),
    );
    const handler = match ? options.commands[(match[1] as string).toLowerCase()] : undefined;
    if (!match || !handler) return next();
    const reply = await handler((match[2] ?? "").trim(), context as Required<InboundContext>);
    if (reply === undefined) return next();
    await replyAndMarkHandled(options, context, reply);
  };
}

function enqueueTurn(options: InboundOptions): Step {
  return async function queueTurn(context) {
    const { conversation, stored } = context as Required<InboundContext>;
    // Not awaited: the channel's receive loop must not wait for the answer. Order is kept per
    // conversation by the queue; failures are reported to the owner inside `answer`.
    void options.queue
      .run(conversation.id, () => options.agent.answer(conversation, stored, context.responder()))
      .catch((error: unknown) => options.log.error("turn crashed", { conversation: conversation.id, error }));
  };
}

export function createInboundPipeline(options: InboundOptions) {
  const afterStore = [refuseContent(options), runCommands(options), enqueueTurn(options)];
  const full = compose<InboundContext>([rejectStrangers(options), storeOnce(options), ...afterStore]);
  const resume = compose<InboundContext>(afterStore);
  return {
    /** For channels: resolves once the message is stored (or dropped). */
    handle: async (message: InboundMessage, responder?: Responder): Promise<void> => {
      const context: InboundContext = {
        message,
        responder: () => responder ?? options.responderFor(context.conversation as Conversation),
      };
      await full(context);
    },
    /** Re-dispatches a stored message that was never handled (start-up recovery). */
    redispatch: (conversation: Conversation, stored: StoredMessage) =>
      resume({
        message: {
          channel: conversation.channel,
          chatId: conversation.chatId,
          senderId: "owner",
          text: stored.content,
          isDirect: true,
        },
        conversation,
        stored,
        responder: () => options.responderFor(conversation),
      }),
  };
}
