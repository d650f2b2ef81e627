/**
 * What the fake Bot API remembers: the chats it has seen, the bot's messages with their edit
 * history (what tests assert on), open callback queries, commands and the webhook. Message ids
 * increase per chat and are shared by both sides, as in a real private chat, so a callback query
 * or a reply can point at a realistic message.
 */
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";

export interface FakeMessageEdit {
  method: string;
  text: string;
  parseMode?: string;
  replyMarkup?: InlineKeyboardMarkup;
  at: number;
}

/** A message the bot sent, in its current state. `text` is as sent (HTML source with parse_mode HTML). */
export interface FakeMessage {
  chatId: number;
  messageId: number;
  text: string;
  /** What the user sees: tags removed and entities decoded. */
  plainText: string;
  parseMode?: string;
  replyMarkup?: InlineKeyboardMarkup;
  date: number;
  deleted: boolean;
  /** Every successful edit, oldest first; the fields above already reflect the last one. */
  edits: FakeMessageEdit[];
}

/** A user as tests describe one: an id, or a partial User. */
export type UserInput = number | (Partial<User> & { id: number });
export type ChatInput = number | Chat;

export function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}

export function toUser(input: UserInput): User {
  const partial = typeof input === "number" ? { id: input } : input;
  return { is_bot: false, first_name: `User ${partial.id}`, language_code: "en", ...partial };
}

/** A `/command` at the start of a text carries a bot_command entity, which grammy's `command()` needs. */
export function commandEntities(text: string): MessageEntity[] | undefined {
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text)?.[0];
  return command ? [{ type: "bot_command", offset: 0, length: command.length }] : undefined;
}

export class FakeState {
  readonly commands: BotCommand[] = [];
  webhook = { url: "", secretToken: "" };
  private readonly chats = new Map<number, Chat>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly sent = new Map<number, FakeMessage[]>();
  private readonly openQueries = new Set<string>();
  private queryCount = 0;

  constructor(readonly bot: UserFromGetMe) {}

  chatOf(input: ChatInput, user?: User): Chat {
    if (typeof input !== "number") {
      this.chats.set(input.id, input);
      return input;
    }
    const known = this.chats.get(input);
    if (known) return known;
    const chat: Chat =
      input > 0
        ? {
            id: input,
            type: "private",
            first_name: user?.first_name ?? `User ${input}`,
            username: user?.username,
          }
        : { id: input, type: "group", title: `Group ${input}` };
    this.chats.set(input, chat);
    return chat;
  }

  nextMessageId(chatId: number): number {
    const id = (this.lastMessageId.get(chatId) ?? 0) + 1;
    this.lastMessageId.set(chatId, id);
    return id;
  }

  userMessage(from: UserInput, chatInput: ChatInput | undefined, text: string): Update["message"] & object {
    const user = toUser(from);
    const chat = this.chatOf(chatInput ?? user.id, user);
    const entities = commandEntities(text);
    const message = { message_id: this.nextMessageId(chat.id), from: user, chat, date: unixTime(), text };
    return (entities ? { ...message, entities } : message) as Update["message"] & object;
  }

  callbackQuery(from: UserInput, chatId: number | undefined, messageId: number, data: string): CallbackQuery {
    const user = toUser(from);
    const chat = this.chatOf(chatId ?? user.id, user);
    const stored = this.find(chat.id, messageId);
    const id = `${this.bot.id}${String(++this.queryCount).padStart(6, "0")}`;
    this.openQueries.add(id);
    const message = stored ? this.toMessage(stored) : { message_id: messageId, chat, date: 0 as const };
    return { id, from: user, message, chat_instance: `instance-${chat.id}`, data };
  }

  /** Answers an open callback query once; false for unknown or already answered ids. */
  answerQuery(id: string): boolean {
    return this.openQueries.delete(id);
  }

  addMessage(message: FakeMessage): FakeMessage {
    const list = this.sent.get(message.chatId) ?? [];
    list.push(message);
    this.sent.set(message.chatId, list);
    return message;
  }

  find(chatId: number, messageId: number): FakeMessage | undefined {
    return this.sent.get(chatId)?.find((message) => message.messageId === messageId && !message.deleted);
  }

  messages(chatId: number): FakeMessage[] {
    return [...(this.sent.get(chatId) ?? [])];
  }

  /** The Message object Telegram returns for a bot message (text as the user sees it). */
  toMessage(message: FakeMessage): Message {
    const result = {
      message_id: message.messageId,
      from: this.bot,
      chat: this.chatOf(message.chatId),
      date: message.date,
      text: message.plainText,
      ...(message.edits.length > 0 ? { edit_date: Math.floor((message.edits.at(-1)?.at ?? 0) / 1000) } : {}),
      ...(message.replyMarkup ? { reply_markup: message.replyMarkup } : {}),
    };
    return result as Message;
  }
}
