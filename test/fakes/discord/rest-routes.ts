/**
 * The fake's REST routes (under /api/v10), answering as Discord does: JSON bodies, 204 where
 * Discord sends no content, and Discord's error shape `{ code, message, errors? }` with its real
 * codes (10003 Unknown Channel, 10008 Unknown Message, 10062 Unknown interaction, 40060 already
 * acknowledged, 50035 Invalid Form Body…). Validation is the part tests lean on: content over
 * 2000 characters, a custom_id over 100, an empty message or a late interaction answer fail here
 * exactly as they would on Discord.
 */
import type { FakeInteraction, FakeMessage, FakeState } from "./fake-state.ts";
import { type FakeGateway, Intents } from "./gateway.ts";

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteInput {
  params: Record<string, string>;
  body: Record<string, unknown>;
  query: URLSearchParams;
}

export interface RestContext {
  state: FakeState;
  gateway: FakeGateway;
  gatewayUrl: () => string;
  applicationId: string;
  /** How long an interaction token accepts its initial response (Discord: 3 s). */
  ackWindowMs: number;
}

interface Route {
  method: string;
  pattern: string;
  /** Webhook and interaction routes are authorised by their token in the path, not the bot token. */
  botAuth: boolean;
  handle: (context: RestContext, input: RouteInput) => RouteResult;
}

const EPHEMERAL = 1 << 6;
const MAX_CONTENT = 2000;

export function discordError(status: number, code: number, message: string, errors?: unknown): RouteResult {
  return { status, body: { message, code, ...(errors ? { errors } : {}) } };
}

function formError(field: string, code: string, message: string): RouteResult {
  return discordError(400, 50035, "Invalid Form Body", { [field]: { _errors: [{ code, message }] } });
}

/** Checks a message body the way Discord does; undefined when it is acceptable. */
function validateMessage(body: Record<string, unknown>, requireSomething: boolean): RouteResult | undefined {
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== "string")
    return formError("content", "STRING_TYPE_CONVERT", "Could not interpret value as string.");
  if (typeof content === "string" && content.length > MAX_CONTENT)
    return formError("content", "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_CONTENT} or fewer in length.`);
  const rows = Array.isArray(body.components) ? (body.components as { components?: unknown[] }[]) : [];
  for (const row of rows) {
    const items = (row.components ?? []) as { custom_id?: string }[];
    if (items.length > 5)
      return formError("components", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.");
    if (items.some((item) => (item.custom_id ?? "").length > 100))
      return formError("components", "BASE_TYPE_MAX_LENGTH", "custom_id must be 100 or fewer in length.");
  }
  const empty = !content && rows.length === 0 && !(Array.isArray(body.embeds) && body.embeds.length > 0);
  if (requireSomething && empty) return discordError(400, 50006, "Cannot send an empty message");
  return undefined;
}

function createBotMessage(
  context: RestContext,
  channelId: string,
  body: Record<string, unknown>,
): FakeMessage {
  const { state } = context;
  const message = state.addMessage({
    channelId,
    authorId: state.bot.id,
    content: typeof body.content === "string" ? body.content : "",
    components: Array.isArray(body.components) ? body.components : [],
    flags: Number(body.flags ?? 0) & ~EPHEMERAL,
    attachments: [],
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
  });
  // Discord echoes the bot's own DM messages on the gateway; a channel must ignore them.
  if (state.dmChannels.has(channelId))
    context.gateway.dispatch(
      "MESSAGE_CREATE",
      { ...state.messagePayload(message), channel_type: 1 },
      Intents.DirectMessages,
    );
  return message;
}

function findMessage(context: RestContext, input: RouteInput): FakeMessage | RouteResult {
  const { channel, message: id } = input.params;
  if (!context.state.channelExists(channel ?? "")) return discordError(404, 10003, "Unknown Channel");
  const message = context.state.messages.get(id ?? "");
  if (!message || message.deleted || message.channelId !== channel)
    return discordError(404, 10008, "Unknown Message");
  return message;
}

function interactionByToken(context: RestContext, token: string | undefined): FakeInteraction | undefined {
  return [...context.state.interactions.values()].find((interaction) => interaction.token === token);
}

function respondToInteraction(context: RestContext, input: RouteInput): RouteResult {
  const interaction = context.state.interactions.get(input.params.interaction ?? "");
  if (!interaction || interaction.token !== input.params.token)
    return discordError(404, 10062, "Unknown interaction");
  if (interaction.ack) return discordError(400, 40060, "Interaction has already been acknowledged.");
  if (Date.now() - interaction.createdAt > context.ackWindowMs)
    return discordError(404, 10062, "Unknown interaction");
  const type = Number(input.body.type);
  const data = (input.body.data ?? {}) as Record<string, unknown>;
  if (![4, 5, 6, 7].includes(type))
    return formError("type", "BASE_TYPE_CHOICES", `Value must be one of (4, 5, 6, 7).`);
  if (type === 4 || type === 7) {
    const invalid = validateMessage(data, type === 4);
    if (invalid) return invalid;
  }
  interaction.ack = { type, at: Date.now(), data };
  if (type === 4) {
    const ephemeral = (Number(data.flags ?? 0) & EPHEMERAL) !== 0;
    interaction.replies.push({ content: String(data.content ?? ""), ephemeral, at: Date.now() });
    if (!ephemeral) createBotMessage(context, interaction.channelId, data);
  }
  if (type === 7) {
    const message = context.state.messages.get(interaction.messageId);
    if (message) context.state.editMessage(message, data as { content?: string; components?: unknown[] });
  }
  return { status: 204 };
}

const routes: Route[] = [
  {
    method: "GET",
    pattern: "/gateway/bot",
    botAuth: true,
    handle: (context) => ({
      status: 200,
      body: {
        url: context.gatewayUrl(),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      },
    }),
  },
  {
    method: "GET",
    pattern: "/gateway",
    botAuth: false,
    handle: (context) => ({ status: 200, body: { url: context.gatewayUrl() } }),
  },
  {
    method: "GET",
    pattern: "/users/@me",
    botAuth: true,
    handle: (context) => ({ status: 200, body: context.state.userPayload(context.state.bot) }),
  },
  {
    method: "POST",
    pattern: "/users/@me/channels",
    botAuth: true,
    handle: (context, input) => {
      const recipient = String(input.body.recipient_id ?? "");
      if (!/^\d+$/.test(recipient))
        return formError("recipient_id", "NUMBER_TYPE_COERCE", "Value is not snowflake.");
      context.state.user(recipient);
      return { status: 200, body: context.state.dmChannelPayload(context.state.dmChannelOf(recipient)) };
    },
  },
  {
    method: "GET",
    pattern: "/channels/:channel",
    botAuth: true,
    handle: (context, input) => {
      const id = input.params.channel ?? "";
      if (!context.state.channelExists(id)) return discordError(404, 10003, "Unknown Channel");
      if (context.state.dmChannels.has(id)) return { status: 200, body: context.state.dmChannelPayload(id) };
      return { status: 200, body: { id, type: 0, guild_id: context.state.guildId, name: "general" } };
    },
  },
  {
    method: "POST",
    pattern: "/channels/:channel/messages",
    botAuth: true,
    handle: (context, input) => {
      const channelId = input.params.channel ?? "";
      if (!context.state.channelExists(channelId)) return discordError(404, 10003, "Unknown Channel");
      const invalid = validateMessage(input.body, true);
      if (invalid) return invalid;
      return {
        status: 200,
        body: context.state.messagePayload(createBotMessage(context, channelId, input.body)),
      };
    },
  },
  {
    method: "PATCH",
    pattern: "/channels/:channel/messages/:message",
    botAuth: true,
    handle: (context, input) => {
      const found = findMessage(context, input);
      if (!("id" in found)) return found;
      if (found.authorId !== context.state.bot.id)
        return discordError(403, 50005, "Cannot edit a message authored by another user");
      const invalid = validateMessage(input.body, false);
      if (invalid) return invalid;
      context.state.editMessage(found, input.body as { content?: string; components?: unknown[] });
      return { status: 200, body: context.state.messagePayload(found) };
    },
  },
  {
    method: "DELETE",
    pattern: "/channels/:channel/messages/:message",
    botAuth: true,
    handle: (context, input) => {
      const found = findMessage(context, input);
      if (!("id" in found)) return found;
      found.deleted = true;
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pattern: "/channels/:channel/typing",
    botAuth: true,
    handle: (context, input) =>
      context.state.channelExists(input.params.channel ?? "")
        ? { status: 204 }
        : discordError(404, 10003, "Unknown Channel"),
  },
  {
    method: "POST",
    pattern: "/interactions/:interaction/:token/callback",
    botAuth: false,
    handle: respondToInteraction,
  },
  {
    method: "POST",
    pattern: "/webhooks/:application/:token",
    botAuth: false,
    handle: (context, input) => {
      const interaction = interactionByToken(context, input.params.token);
      if (!interaction || input.params.application !== context.applicationId || !interaction.ack)
        return discordError(404, 10015, "Unknown Webhook");
      const invalid = validateMessage(input.body, true);
      if (invalid) return invalid;
      const ephemeral = (Number(input.body.flags ?? 0) & EPHEMERAL) !== 0;
      interaction.replies.push({ content: String(input.body.content ?? ""), ephemeral, at: Date.now() });
      const message = ephemeral
        ? context.state.addMessage(
            {
              channelId: interaction.channelId,
              authorId: context.state.bot.id,
              content: String(input.body.content ?? ""),
              components: [],
              flags: EPHEMERAL,
              attachments: [],
              embeds: [],
            },
            false,
          )
        : createBotMessage(context, interaction.channelId, input.body);
      return { status: 200, body: context.state.messagePayload(message) };
    },
  },
  {
    method: "PATCH",
    pattern: "/webhooks/:application/:token/messages/:message",
    botAuth: false,
    handle: (context, input) => {
      const interaction = interactionByToken(context, input.params.token);
      if (!interaction?.ack) return discordError(404, 10015, "Unknown Webhook");
      const id = input.params.message === "@original" ? interaction.messageId : (input.params.message ?? "");
      const message = context.state.messages.get(id);
      if (!message) return discordError(404, 10008, "Unknown Message");
      context.state.editMessage(message, input.body as { content?: string; components?: unknown[] });
      return { status: 200, body: context.state.messagePayload(message) };
    },
  },
];

export interface MatchedRoute {
  /** The route's name as tests refer to it, e.g. "POST /channels/:channel/messages". */
  name: string;
  params: Record<string, string>;
  route: Route;
}

export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  const segments = path.split("/").filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.pattern.split("/").filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = decodeURIComponent(segments[index] ?? "");
      if (part.startsWith(":")) params[part.slice(1)] = segment;
      return part.startsWith(":") || part === segment;
    });
    if (matches) return { name: `${method} ${route.pattern}`, params, route };
  }
  return undefined;
}
