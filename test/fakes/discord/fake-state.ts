/**
 * What the fake Discord remembers: users, DM channels (one per user, as on Discord) and one guild
 * with a text channel, every message with its edit history, and button interactions with how
 * (and how fast) they were acknowledged. Ids are real-looking snowflakes: increasing decimal
 * strings with the creation time in the high bits, so discord.js derives sensible timestamps.
 */

const DISCORD_EPOCH = 1420070400000n;

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** A user as tests describe one: an id, or an id with a name. */
export type UserInput = string | { id: string; username?: string; globalName?: string };

export interface FakeMessageVersion {
  content: string;
  components: unknown[];
  at: number;
}

export interface FakeMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  /** Raw API components (action rows) as last set. */
  components: unknown[];
  flags: number;
  attachments: unknown[];
  embeds: unknown[];
  createdAt: number;
  deleted: boolean;
  /** Every earlier version, oldest first; the fields above are the current one. */
  edits: FakeMessageVersion[];
}

export interface FakeInteraction {
  id: string;
  token: string;
  userId: string;
  channelId: string;
  messageId: string;
  customId: string;
  createdAt: number;
  /** The initial response (callback): its type and when it arrived. */
  ack?: { type: number; at: number; data?: Record<string, unknown> };
  /** The initial ephemeral/normal reply (callback type 4) and follow-ups, in order. */
  replies: { content: string; ephemeral: boolean; at: number }[];
}

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  /** DM channel id → the user on the other side. */
  readonly dmChannels = new Map<string, string>();
  readonly deletedChannels = new Set<string>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly guildId: string;
  readonly guildChannelId: string;
  #last = 0n;

  constructor(readonly bot: FakeUser) {
    this.users.set(bot.id, bot);
    this.guildId = this.snowflake();
    this.guildChannelId = this.snowflake();
  }

  snowflake(): string {
    const candidate = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    this.#last = candidate > this.#last ? candidate : this.#last + 1n;
    return this.#last.toString();
  }

  user(input: UserInput): FakeUser {
    const partial = typeof input === "string" ? { id: input } : input;
    const existing = this.users.get(partial.id);
    const user: FakeUser = {
      id: partial.id,
      username: partial.username ?? existing?.username ?? `user${partial.id.slice(-4)}`,
      globalName: partial.globalName ?? existing?.globalName ?? null,
      bot: false,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** The DM channel between the bot and `userId`, created on first use (POST /users/@me/channels). */
  dmChannelOf(userId: string): string {
    for (const [channelId, recipient] of this.dmChannels) if (recipient === userId) return channelId;
    const channelId = this.snowflake();
    this.dmChannels.set(channelId, userId);
    return channelId;
  }

  channelExists(channelId: string): boolean {
    if (this.deletedChannels.has(channelId)) return false;
    return this.dmChannels.has(channelId) || channelId === this.guildChannelId;
  }

  /** A new message; `store: false` for ephemeral ones, which only their recipient ever sees. */
  addMessage(input: Omit<FakeMessage, "id" | "createdAt" | "deleted" | "edits">, store = true): FakeMessage {
    const message: FakeMessage = {
      ...input,
      id: this.snowflake(),
      createdAt: Date.now(),
      deleted: false,
      edits: [],
    };
    if (store) this.messages.set(message.id, message);
    return message;
  }

  editMessage(message: FakeMessage, change: { content?: string; components?: unknown[] }): void {
    message.edits.push({ content: message.content, components: message.components, at: Date.now() });
    if (change.content !== undefined) message.content = change.content;
    if (change.components !== undefined) message.components = change.components;
  }

  /** Messages in a channel, oldest first (deleted ones included and flagged). */
  channelMessages(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((message) => message.channelId === channelId);
  }

  userPayload(user: FakeUser) {
    return {
      id: user.id,
      username: user.username,
      discriminator: "0",
      global_name: user.globalName,
      avatar: null,
      ...(user.bot ? { bot: true } : {}),
    };
  }

  /** A message as the REST API returns it and MESSAGE_CREATE carries it (minus the gateway extras). */
  messagePayload(message: FakeMessage) {
    const author = this.users.get(message.authorId) ?? this.user(message.authorId);
    return {
      id: message.id,
      channel_id: message.channelId,
      ...(message.channelId === this.guildChannelId ? { guild_id: this.guildId } : {}),
      author: this.userPayload(author),
      content: message.content,
      timestamp: new Date(message.createdAt).toISOString(),
      edited_timestamp: message.edits.length > 0 ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.attachments,
      embeds: message.embeds,
      pinned: false,
      type: 0,
      flags: message.flags,
      components: message.components,
    };
  }

  /** A message the fake never saw (a press on a button of an unknown message). */
  placeholderPayload(messageId: string, channelId: string) {
    const message = this.addMessage(
      {
        channelId,
        authorId: this.bot.id,
        content: "",
        components: [],
        flags: 0,
        attachments: [],
        embeds: [],
      },
      false,
    );
    return { ...this.messagePayload(message), id: messageId };
  }

  dmChannelPayload(channelId: string) {
    const recipient = this.users.get(this.dmChannels.get(channelId) ?? "");
    return {
      id: channelId,
      type: 1,
      last_message_id: null,
      recipients: recipient ? [this.userPayload(recipient)] : [],
    };
  }

  guildCreatePayload() {
    return {
      id: this.guildId,
      name: "Fake Guild",
      icon: null,
      owner_id: "1",
      unavailable: false,
      member_count: 2,
      large: false,
      joined_at: new Date().toISOString(),
      features: [],
      emojis: [],
      stickers: [],
      roles: [
        {
          id: this.guildId,
          name: "@everyone",
          permissions: "3072",
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      channels: [
        {
          id: this.guildChannelId,
          type: 0,
          guild_id: this.guildId,
          name: "general",
          position: 0,
          permission_overwrites: [],
        },
      ],
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }
}
