/**
 * A fake Discord for tests that drive the real discord.js client: REST under `/api/v10` and the
 * gateway WebSocket on the same port (Bun.serve). `GET /gateway/bot` hands out the WebSocket URL,
 * so pointing the client's `rest.api` at `apiUrl` is all the wiring needed. Every REST call and
 * every gateway frame the client sends is recorded; failures (429 with Discord's rate-limit
 * headers, or any Discord error) can be injected per route; tests push DMs and button presses,
 * close the gateway with a chosen code, or make it go silent without closing (`goSilent`: the
 * gateway is reached through a TCP relay, see gateway-relay.ts).
 *
 *   const discord = startDiscordFake();
 *   const client = new Client({ intents: [GatewayIntentBits.DirectMessages], partials: [Partials.Channel],
 *     rest: { api: discord.apiUrl } });
 *   await client.login(discord.token);
 *   discord.pushDm({ from: "42", text: "hello" });
 *   await discord.waitFor(() => discord.messages(discord.dmChannelId("42")).length > 0);
 */
import { type FakeInteraction, type FakeMessage, FakeState, type UserInput } from "./fake-state.ts";
import { FakeGateway, type GatewayFrame, Intents, type SocketData } from "./gateway.ts";
import { startGatewayRelay } from "./gateway-relay.ts";
import { discordError, matchRoute, type RouteResult } from "./rest-routes.ts";

export type { FakeInteraction, FakeMessage } from "./fake-state.ts";
export type { GatewayFrame } from "./gateway.ts";
export { Intents } from "./gateway.ts";

export interface RecordedCall {
  method: string;
  /** Path after /api/v10. */
  path: string;
  /** The matched route, e.g. "POST /channels/:channel/messages" ("unmatched" otherwise). */
  route: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  status: number;
  at: number;
}

export type InjectedFailure =
  | { status: 429; retryAfter: number; global?: boolean }
  | { status: number; code: number; message: string };

export interface DiscordFakeOptions {
  token?: string;
  botName?: string;
  /** HELLO's heartbeat_interval (Discord: 41250 ms). */
  heartbeatIntervalMs?: number;
  /** The interaction response window (Discord: 3000 ms). */
  ackWindowMs?: number;
  /** Privileged intents switched on in the "developer portal" (default none, as for a new app). */
  privilegedIntents?: number;
}

export interface DmInput {
  from: UserInput;
  text?: string;
  attachments?: unknown[];
  embeds?: unknown[];
}

export type DiscordFake = ReturnType<typeof startDiscordFake>;

const API_PREFIX = "/api/v10";

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (type.includes("multipart/form-data")) {
    const form = await request.formData();
    const payload = form.get("payload_json");
    return typeof payload === "string" ? JSON.parse(payload) : {};
  }
  const text = await request.text();
  return text.trim() === "" ? {} : JSON.parse(text);
}

function bucketHeaders(route: string): Record<string, string> {
  return {
    "X-RateLimit-Limit": "5",
    "X-RateLimit-Remaining": "4",
    "X-RateLimit-Reset-After": "1.000",
    "X-RateLimit-Bucket": `fake-${Bun.hash(route).toString(16)}`,
  };
}

function rateLimited(failure: { retryAfter: number; global?: boolean }, route: string): RouteResult {
  return {
    status: 429,
    headers: {
      "Retry-After": String(Math.ceil(failure.retryAfter)),
      "X-RateLimit-Limit": "5",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String((Date.now() + failure.retryAfter * 1000) / 1000),
      "X-RateLimit-Reset-After": failure.retryAfter.toFixed(3),
      "X-RateLimit-Bucket": bucketHeaders(route)["X-RateLimit-Bucket"] as string,
      "X-RateLimit-Scope": failure.global ? "global" : "user",
      ...(failure.global ? { "X-RateLimit-Global": "true" } : {}),
    },
    body: {
      message: "You are being rate limited.",
      retry_after: failure.retryAfter,
      global: !!failure.global,
    },
  };
}

export function startDiscordFake(options: DiscordFakeOptions = {}) {
  const token = options.token ?? "fake-discord-token.for-tests";
  const state = new FakeState({
    id: "1100000000000000001",
    username: options.botName ?? "ironclaw-test",
    globalName: "IronClaw Test",
    bot: true,
  });
  const applicationId = state.bot.id;
  let port = 0;
  /** Clients reach the gateway through the relay (so a test can make it go half-open). */
  let gatewayPort = 0;
  const gatewayUrl = () => `ws://127.0.0.1:${gatewayPort}/gateway`;
  const gateway = new FakeGateway({
    token,
    url: gatewayUrl,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    privilegedIntents: options.privilegedIntents ?? 0,
    readyPayload: (session) => ({
      v: 10,
      user: { ...state.userPayload(state.bot), verified: true, flags: 0, mfa_enabled: false },
      guilds: [{ id: state.guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: gatewayUrl(),
      shard: [0, 1],
      application: { id: applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
    }),
    guildCreatePayloads: () => [state.guildCreatePayload()],
  });
  const calls: RecordedCall[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  /** Requests that arrived while their route was still rate limited (answered 429 again). */
  const violations: RecordedCall[] = [];
  const limitedUntil = new Map<string, number>();
  const context = { state, gateway, gatewayUrl, applicationId, ackWindowMs: options.ackWindowMs ?? 3000 };

  async function handleRest(request: Request, url: URL): Promise<Response> {
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const matched = matchRoute(request.method, path);
    let body: Record<string, unknown> = {};
    let result: RouteResult;
    try {
      body = await readBody(request);
    } catch {
      return Response.json({ message: "400: Bad Request", code: 50109 }, { status: 400 });
    }
    const call: RecordedCall = {
      method: request.method,
      path,
      route: matched?.name ?? "unmatched",
      params: matched?.params ?? {},
      query: Object.fromEntries(url.searchParams),
      body,
      status: 0,
      at: Date.now(),
    };
    calls.push(call);
    const limitKey = `${call.route} ${JSON.stringify(call.params)}`;
    const stillLimitedMs = (limitedUntil.get(limitKey) ?? 0) - call.at;
    if (stillLimitedMs > 0) violations.push(call);
    const injected = matched && stillLimitedMs <= 0 ? failures.get(matched.name)?.shift() : undefined;
    if (!matched) result = discordError(404, 0, "404: Not Found");
    // Discord keeps answering 429 until the limit has passed.
    else if (stillLimitedMs > 0) result = rateLimited({ retryAfter: stillLimitedMs / 1000 }, matched.name);
    else if (matched.route.botAuth && request.headers.get("authorization") !== `Bot ${token}`)
      result = discordError(401, 0, "401: Unauthorized");
    else if (injected && "retryAfter" in injected) {
      limitedUntil.set(limitKey, call.at + injected.retryAfter * 1000);
      result = rateLimited(injected, matched.name);
    } else if (injected) result = discordError(injected.status, injected.code, injected.message);
    else result = matched.route.handle(context, { params: matched.params, body, query: url.searchParams });
    call.status = result.status;
    // Discord names the bucket on every answer; discord.js keys its rate-limit state by it.
    const headers =
      result.headers ?? (matched && result.status < 400 ? bucketHeaders(matched.name) : undefined);
    if (result.status === 204) return new Response(null, { status: 204, headers });
    return Response.json(result.body ?? {}, { status: result.status, headers });
  }

  const server = Bun.serve<SocketData, never>({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(request, bunServer) {
      const url = new URL(request.url);
      if (url.pathname === "/gateway" || url.pathname === "/gateway/") {
        if (bunServer.upgrade(request, { data: gateway.nextConnection() })) return undefined;
        return new Response("expected a WebSocket upgrade", { status: 400 });
      }
      if (url.pathname.startsWith(`${API_PREFIX}/`)) return handleRest(request, url);
      return Response.json({ message: "404: Not Found", code: 0 }, { status: 404 });
    },
    websocket: {
      open: (socket) => gateway.open(socket),
      message: (socket, raw) => gateway.message(socket, raw),
      close: (socket, code) => gateway.closed(socket, code),
    },
  });
  port = server.port as number;
  const relay = startGatewayRelay(port);
  gatewayPort = relay.port;

  function dmPayload(input: DmInput) {
    const user = state.user(input.from);
    const channelId = state.dmChannelOf(user.id);
    const message = state.addMessage({
      channelId,
      authorId: user.id,
      content: input.text ?? "",
      components: [],
      flags: 0,
      attachments: input.attachments ?? [],
      embeds: input.embeds ?? [],
    });
    return { ...state.messagePayload(message), channel_type: 1 };
  }

  return {
    token,
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    bot: state.bot,
    applicationId,
    guildId: state.guildId,
    guildChannelId: state.guildChannelId,
    calls,
    violations,
    /** Gateway frames received from the client (op 1 heartbeat, 2 identify, 6 resume…). */
    frames: gateway.frames as readonly GatewayFrame[],
    /** Dispatches nobody received (no session, or the client lacks the intent). */
    dropped: gateway.dropped,
    get connected() {
      return gateway.connected;
    },
    /** The intents the client identified with, or undefined before an IDENTIFY. */
    intents: () => gateway.intentsOfCurrentSession(),
    identifies: () => gateway.frames.filter((frame) => frame.op === 2).length,
    resumes: () => gateway.frames.filter((frame) => frame.op === 6).length,
    set ackHeartbeats(value: boolean) {
      gateway.ackHeartbeats = value;
    },
    /** A DM from a user to the bot; returns the MESSAGE_CREATE payload (for `redeliver`). */
    pushDm(input: DmInput) {
      const payload = dmPayload(input);
      gateway.dispatch("MESSAGE_CREATE", payload, Intents.DirectMessages);
      return payload;
    },
    /** A message in the fake guild's text channel (needs the GuildMessages intent to arrive). */
    pushGuildMessage(input: { from: UserInput; text: string; mentionBot?: boolean }) {
      const user = state.user(input.from);
      const text = input.mentionBot ? `<@${state.bot.id}> ${input.text}` : input.text;
      const message = state.addMessage({
        channelId: state.guildChannelId,
        authorId: user.id,
        content: text,
        components: [],
        flags: 0,
        attachments: [],
        embeds: [],
      });
      const contentVisible =
        input.mentionBot || ((gateway.intentsOfCurrentSession() ?? 0) & Intents.MessageContent) !== 0;
      const payload = {
        ...state.messagePayload(message),
        content: contentVisible ? text : "",
        mentions: input.mentionBot ? [state.userPayload(state.bot)] : [],
        member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
        channel_type: 0,
      };
      gateway.dispatch("MESSAGE_CREATE", payload, Intents.GuildMessages);
      return payload;
    },
    /** Delivers the same MESSAGE_CREATE again (Discord may, e.g. around a reconnect). */
    redeliver(payload: Record<string, unknown>) {
      gateway.dispatch("MESSAGE_CREATE", payload, Intents.DirectMessages);
    },
    /** Any dispatch, malformed ones included. */
    dispatch: (t: string, d: unknown) => gateway.dispatch(t, d),
    /** A press on a button of `messageId` (in the presser's DM unless `channelId`); INTERACTION_CREATE type 3. */
    pressButton(input: { from: UserInput; messageId: string; customId: string; channelId?: string }) {
      const user = state.user(input.from);
      const channelId = input.channelId ?? state.dmChannelOf(user.id);
      const message = state.messages.get(input.messageId);
      const interaction: FakeInteraction = {
        id: state.snowflake(),
        token: `fake-interaction-token-${crypto.randomUUID()}`,
        userId: user.id,
        channelId,
        messageId: input.messageId,
        customId: input.customId,
        createdAt: Date.now(),
        replies: [],
      };
      state.interactions.set(interaction.id, interaction);
      gateway.dispatch("INTERACTION_CREATE", {
        id: interaction.id,
        application_id: applicationId,
        type: 3,
        data: { custom_id: input.customId, component_type: 2 },
        channel: { id: channelId, type: 1, last_message_id: null, flags: 0 },
        channel_id: channelId,
        user: state.userPayload(user),
        token: interaction.token,
        version: 1,
        message: message
          ? state.messagePayload(message)
          : state.placeholderPayload(input.messageId, channelId),
        app_permissions: "0",
        locale: "en-US",
        entitlements: [],
        authorizing_integration_owners: { "1": user.id },
        context: 1,
        attachment_size_limit: 10_485_760,
      });
      return interaction;
    },
    interaction: (id: string) => state.interactions.get(id),
    /** The bot's messages in a channel, oldest first, deleted ones flagged. */
    messages: (channelId: string): FakeMessage[] =>
      state.channelMessages(channelId).filter((message) => message.authorId === state.bot.id),
    message: (id: string) => state.messages.get(id),
    dmChannelId: (userId: string) => state.dmChannelOf(userId),
    /** From now on the channel answers 404 Unknown Channel. */
    deleteChannel: (channelId: string) => state.deletedChannels.add(channelId),
    /** The next `times` calls to `route` (e.g. "POST /channels/:channel/messages") fail like this. */
    failNext(route: string, failure: InjectedFailure, times = 1) {
      const queued = failures.get(route) ?? [];
      for (let count = 0; count < times; count++) queued.push(failure);
      failures.set(route, queued);
    },
    clearFailures: () => failures.clear(),
    /** Closes the live gateway socket from the server side with `code`. */
    disconnect: (code: number, reason?: string) => gateway.disconnect(code, reason),
    /** Sends opcode 7 (Reconnect). */
    requestReconnect: () => gateway.requestReconnect(),
    /**
     * The live connection goes half-open: from now on nothing the client sends arrives and nothing
     * reaches it (heartbeats go unanswered, dispatches are lost on the wire until a RESUME replays
     * them), and neither side is closed. Later connections work. Returns the silenced connection's
     * number (as in `frames`).
     */
    goSilent(): number {
      const connection = gateway.currentConnection;
      if (connection === undefined) throw new Error("discord fake: no live gateway connection to silence");
      relay.silence();
      return connection;
    },
    /** Whether the fake still holds gateway connection `connection` open on its side. */
    isOpen: (connection: number) => gateway.openConnections.has(connection),
    /** Polls `predicate` until it returns something truthy, which it resolves with. */
    async waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        if (value) return value;
        if (Date.now() > deadline) {
          const seen = calls.map((call) => `${call.route}→${call.status}`).join(", ") || "none";
          throw new Error(`discord fake: condition not met within ${timeoutMs} ms (REST calls: ${seen})`);
        }
        await Bun.sleep(10);
      }
    },
    async close() {
      relay.close();
      await server.stop(true);
    },
  };
}
