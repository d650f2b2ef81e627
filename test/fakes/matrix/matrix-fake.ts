/**
 * A fake Matrix homeserver for tests that drive a Matrix client over HTTP: it speaks the
 * client-server API v3 (client-api.ts) with bearer-token auth for the bot account, and lets a
 * test act as the people on the server (a DM is an invite with `is_direct` plus a message; a
 * reaction is an `m.reaction` annotation) and inject what real servers do: redeliver events,
 * lose a sync answer, fail or rate-limit sends, answer slowly.
 *
 *   const matrix = startMatrixFake();
 *   const sent = await matrix.sendDm("@owner:matrix.example.org", "hello");
 *   matrix.botMessages(sent.room_id).at(-1)?.text;
 */
import { type ApiContext, type Caller, createClientApi, matrixError } from "./client-api.ts";
import { HomeserverState, type MatrixEvent } from "./homeserver-state.ts";
import { type BotMessage, botMessagesIn } from "./room-view.ts";

export type { MatrixEvent } from "./homeserver-state.ts";
export type { BotMessage } from "./room-view.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: string;
  status?: number;
}

/** Which endpoints a fault applies to. */
export type RouteName = "send" | "sync" | "join" | "typing" | "redact" | "whoami";

export interface MatrixFault {
  status: number;
  errcode: string;
  error: string;
  retryAfterMs?: number;
}

export interface MatrixFakeOptions {
  serverName?: string;
  botUserId?: string;
  accessToken?: string;
}

const routeNames: [RegExp, RouteName][] = [
  [/\/send\//, "send"],
  [/\/sync$/, "sync"],
  [/\/join(\/|$)/, "join"],
  [/\/typing\//, "typing"],
  [/\/redact\//, "redact"],
  [/\/whoami$/, "whoami"],
];

export function startMatrixFake(options: MatrixFakeOptions = {}) {
  const serverName = options.serverName ?? "matrix.example.org";
  const botUserId = options.botUserId ?? `@ironclaw:${serverName}`;
  const accessToken = options.accessToken ?? "syt_aXJvbmNsYXc_FakeAccessToken0123456789";
  const state = new HomeserverState(serverName);
  const requests: RecordedRequest[] = [];
  const faults = new Map<RouteName, MatrixFault[]>();
  const replays = new Map<string, MatrixEvent[]>();
  const listening = new Set<string>();
  let syncAnswersToLose = 0;
  let sendAnswersToLose = 0;
  let delayMs = 0;

  const context: ApiContext = {
    state,
    takeReplay(userId) {
      const events = replays.get(userId) ?? [];
      replays.delete(userId);
      return events;
    },
    loseSyncAnswer() {
      if (syncAnswersToLose === 0) return false;
      syncAnswersToLose -= 1;
      return true;
    },
    onListening(userId, parked) {
      if (parked) listening.add(userId);
      else listening.delete(userId);
    },
  };
  const routes = createClientApi(context);

  function authenticate(request: Request, url: URL): Caller | Response {
    const header = request.headers.get("authorization");
    const token = header?.startsWith("Bearer ") ? header.slice(7) : url.searchParams.get("access_token");
    if (!token) return matrixError(401, "M_MISSING_TOKEN", "Missing access token");
    if (token !== accessToken)
      return matrixError(401, "M_UNKNOWN_TOKEN", "Unrecognised access token", { soft_logout: false });
    return { userId: botUserId, token };
  }

  function takeFault(path: string): MatrixFault | undefined {
    const name = routeNames.find(([pattern]) => pattern.test(path))?.[1];
    return name ? faults.get(name)?.shift() : undefined;
  }

  async function answer(request: Request, url: URL): Promise<Response> {
    if (delayMs > 0) await Bun.sleep(delayMs);
    const route = routes.find((candidate) => candidate.pattern.test(url.pathname));
    if (!route) return matrixError(404, "M_UNRECOGNIZED", "Unrecognized request");
    if (route.method !== request.method) return matrixError(405, "M_UNRECOGNIZED", "Unrecognized request");
    const caller = authenticate(request, url);
    if (caller instanceof Response) return caller;
    const fault = takeFault(url.pathname);
    if (fault) {
      const extra = fault.retryAfterMs === undefined ? {} : { retry_after_ms: fault.retryAfterMs };
      return matrixError(fault.status, fault.errcode, fault.error, extra);
    }
    const match = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
    const response = await route.handle(caller, match, request, url);
    if (sendAnswersToLose > 0 && /\/send\//.test(url.pathname) && response.ok) {
      sendAnswersToLose -= 1;
      return new Response("<html><body>504 Gateway Time-out</body></html>", { status: 504 });
    }
    return response;
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" ? "" : await request.clone().text();
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: request.headers.get("authorization") ?? undefined,
        body,
      };
      requests.push(recorded);
      const response = await answer(request, url);
      recorded.status = response.status;
      return response;
    },
  });

  /** The DM room between `userId` and the bot, created (the bot invited, `is_direct`) if needed. */
  function dmRoom(userId: string): string {
    for (const room of state.rooms.values()) {
      if (room.isDirect && room.creator === userId) return room.roomId;
    }
    return state.createRoom(userId, botUserId, true).roomId;
  }

  function post(sender: string, roomId: string, type: string, content: Record<string, unknown>) {
    if (state.membership(roomId, sender) !== "join") throw new Error(`${sender} is not in ${roomId}`);
    return state.append({ type, sender, room_id: roomId, content });
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    serverName,
    botUserId,
    accessToken,
    state,
    requests,
    /** A person writes to the bot in their DM room (inviting the bot to it the first time). */
    sendDm(from: string, text: string, content: Record<string, unknown> = {}): MatrixEvent {
      return post(from, dmRoom(from), "m.room.message", { msgtype: "m.text", body: text, ...content });
    },
    /** Any event from a person in a room they joined (an image, a notice, a custom type). */
    sendEvent: post,
    /** A person joins a room (e.g. a stranger let into the owner's room by the owner). */
    join(userId: string, roomId: string): void {
      state.append({
        type: "m.room.member",
        sender: userId,
        room_id: roomId,
        state_key: userId,
        content: { membership: "join" },
      });
    },
    /** `from` reacts to `eventId` with `key` (an `m.annotation`). */
    react(from: string, roomId: string, eventId: string, key: string): MatrixEvent {
      return post(from, roomId, "m.reaction", {
        "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key },
      });
    },
    dmRoomOf: (userId: string): string | undefined =>
      [...state.rooms.values()].find((room) => room.isDirect && room.creator === userId)?.roomId,
    /** The bot's next sync hands these events out again, whatever its `since`. */
    redeliver(events: MatrixEvent[]): void {
      replays.set(botUserId, [...(replays.get(botUserId) ?? []), ...events]);
      state.wake();
    },
    /** Whether a redelivery is still waiting for the bot's next sync. */
    replayPending: () => (replays.get(botUserId)?.length ?? 0) > 0,
    /** The next `times` sync answers that carry events never reach the client (a 502 instead). */
    loseSyncAnswers(times = 1): void {
      syncAnswersToLose += times;
    },
    /** The next `times` sends are stored, but their answers are lost (a 504 from a proxy). */
    loseSendAnswers(times = 1): void {
      sendAnswersToLose += times;
    },
    /** The next `times` requests to `route` fail with `fault`. */
    failNext(route: RouteName, fault: MatrixFault, times = 1): void {
      const queued = faults.get(route) ?? [];
      for (let count = 0; count < times; count++) queued.push(fault);
      faults.set(route, queued);
    },
    clearFailures: () => faults.clear(),
    /** Every answer waits this long first (0 = prompt). */
    slowDown(milliseconds: number): void {
      delayMs = milliseconds;
    },
    /** Whether the bot has a sync parked, waiting for events (it is online and caught up). */
    isListening: () => listening.has(botUserId),
    /** The bot's messages in a room, edits applied, redacted ones flagged. */
    botMessages: (roomId: string): BotMessage[] => botMessagesIn(state, roomId, botUserId),
    /** Events of `type` in a room (reactions, typing is not stored). */
    eventsOf: (roomId: string, type: string): MatrixEvent[] =>
      state.events.filter((event) => event.room_id === roomId && event.type === type),
    async close(): Promise<void> {
      await server.stop(true);
    },
  };
}

export type MatrixFake = ReturnType<typeof startMatrixFake>;
