/**
 * The client-server API v3 endpoints the fake homeserver answers, over HomeserverState: whoami,
 * one event by id, sync (a real long-poll: held until an event arrives for the user or `timeout` passes), send
 * (idempotent per access token + txn id), redact, join (by room id, `/join/{idOrAlias}` too) and
 * typing. Errors have Matrix's shape, `{ errcode, error }` with the HTTP status the spec gives.
 */
import { type HomeserverState, type MatrixEvent, wireEvent } from "./homeserver-state.ts";
import { buildSync } from "./sync-response.ts";

export interface Caller {
  userId: string;
  token: string;
}

export interface ApiContext {
  state: HomeserverState;
  /** Events to hand out again on the user's next sync (then forgotten). */
  takeReplay(userId: string): MatrixEvent[];
  /** A sync answer with events is lost on the way (the client sees a 502 and retries). */
  loseSyncAnswer(): boolean;
  /** Called while a sync is parked waiting for events (tests wait for the bot to listen). */
  onListening(userId: string, listening: boolean): void;
}

export const matrixError = (status: number, errcode: string, error: string, extra: object = {}) =>
  Response.json({ errcode, error, ...extra }, { status });

const largestEventBytes = 65_536;
const longestSyncWaitMs = 60_000;

type Handler = (caller: Caller, match: string[], request: Request, url: URL) => Promise<Response>;

interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

async function readJsonObject(request: Request): Promise<Record<string, unknown> | Response> {
  const text = await request.text();
  try {
    const value = JSON.parse(text || "{}");
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    return matrixError(400, "M_NOT_JSON", "Content not JSON.");
  }
  return matrixError(400, "M_BAD_JSON", "Content must be a JSON object.");
}

function timelineLimitOf(filter: string | null): number {
  if (!filter?.startsWith("{")) return 20;
  const parsed = JSON.parse(filter) as { room?: { timeline?: { limit?: number } } };
  return parsed.room?.timeline?.limit ?? 20;
}

function waitForEvent(context: ApiContext, userId: string, timeoutMs: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener("abort", finish);
      context.onListening(userId, false);
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    const unsubscribe = context.state.onEvent(finish);
    signal.addEventListener("abort", finish);
    context.onListening(userId, true);
  });
}

export function createClientApi(context: ApiContext): Route[] {
  const { state } = context;

  const sync: Handler = async (caller, _match, request, url) => {
    const sinceText = url.searchParams.get("since");
    if (sinceText !== null && !/^s\d+$/.test(sinceText))
      return matrixError(400, "M_INVALID_PARAM", "Invalid stream token");
    const since = sinceText === null ? undefined : Number(sinceText.slice(1));
    const timeoutMs = Math.min(Number(url.searchParams.get("timeout") ?? 0) || 0, longestSyncWaitMs);
    let timelineLimit: number;
    try {
      timelineLimit = timelineLimitOf(url.searchParams.get("filter"));
    } catch {
      return matrixError(400, "M_INVALID_PARAM", "filter must be a filter id or valid JSON");
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const replay = context.takeReplay(caller.userId);
      const answer = buildSync(state, { userId: caller.userId, since, timelineLimit, replay });
      const remaining = deadline - Date.now();
      // An initial sync (no `since`) answers at once, as real servers do: it carries the whole state.
      if (answer.empty && since !== undefined && remaining > 0 && !request.signal.aborted) {
        await waitForEvent(context, caller.userId, remaining, request.signal);
        continue;
      }
      if (!answer.empty && context.loseSyncAnswer())
        return new Response("<html><body>502 Bad Gateway</body></html>", { status: 502 });
      return Response.json(answer.body);
    }
  };

  const send: Handler = async (caller, [roomId = "", eventType = "", txnId = ""], request) => {
    if (state.membership(roomId, caller.userId) !== "join")
      return matrixError(403, "M_FORBIDDEN", `User ${caller.userId} not in room ${roomId}`);
    const earlier = state.transaction(caller.token, txnId);
    if (earlier) return Response.json({ event_id: earlier });
    const content = await readJsonObject(request);
    if (content instanceof Response) return content;
    if (new TextEncoder().encode(JSON.stringify(content)).length > largestEventBytes)
      return matrixError(413, "M_TOO_LARGE", "event too large");
    const event = state.append({ type: eventType, sender: caller.userId, room_id: roomId, content });
    state.recordTransaction(caller.token, txnId, event.event_id);
    return Response.json({ event_id: event.event_id });
  };

  const redact: Handler = async (caller, [roomId = "", eventId = "", txnId = ""], request) => {
    if (state.membership(roomId, caller.userId) !== "join")
      return matrixError(403, "M_FORBIDDEN", `User ${caller.userId} not in room ${roomId}`);
    const earlier = state.transaction(caller.token, txnId);
    if (earlier) return Response.json({ event_id: earlier });
    const target = state.event(eventId);
    if (!target || target.room_id !== roomId) return matrixError(404, "M_NOT_FOUND", "Event not found");
    if (target.sender !== caller.userId)
      return matrixError(403, "M_FORBIDDEN", "You cannot redact this event");
    const body = await readJsonObject(request);
    if (body instanceof Response) return body;
    const redaction = state.append({
      type: "m.room.redaction",
      sender: caller.userId,
      room_id: roomId,
      content: { redacts: eventId, ...(typeof body.reason === "string" ? { reason: body.reason } : {}) },
    });
    state.redact(eventId, redaction.event_id);
    state.recordTransaction(caller.token, txnId, redaction.event_id);
    return Response.json({ event_id: redaction.event_id });
  };

  const join: Handler = async (caller, [roomId = ""]) => {
    const membership = state.membership(roomId, caller.userId);
    if (membership === "join") return Response.json({ room_id: roomId });
    if (membership !== "invite") return matrixError(403, "M_FORBIDDEN", "You are not invited to this room.");
    state.append({
      type: "m.room.member",
      sender: caller.userId,
      room_id: roomId,
      state_key: caller.userId,
      content: { membership: "join" },
    });
    return Response.json({ room_id: roomId });
  };

  const typing: Handler = async (caller, [roomId = "", userId = ""], request) => {
    if (userId !== caller.userId)
      return matrixError(403, "M_FORBIDDEN", "Cannot set another user's typing state");
    if (state.membership(roomId, caller.userId) !== "join")
      return matrixError(403, "M_FORBIDDEN", `User ${caller.userId} not in room ${roomId}`);
    const body = await readJsonObject(request);
    if (body instanceof Response) return body;
    if (typeof body.typing !== "boolean") return matrixError(400, "M_BAD_JSON", "typing must be a boolean");
    return Response.json({});
  };

  const event: Handler = async (caller, [roomId = "", eventId = ""]) => {
    if (state.membership(roomId, caller.userId) !== "join")
      return matrixError(403, "M_FORBIDDEN", `User ${caller.userId} not in room ${roomId}`);
    const found = state.event(eventId);
    if (!found || found.room_id !== roomId) return matrixError(404, "M_NOT_FOUND", "Event not found.");
    return Response.json(wireEvent(found, caller.userId, state.transactionIds));
  };

  const whoami: Handler = async (caller) =>
    Response.json({ user_id: caller.userId, device_id: "IRONCLAWBOT", is_guest: false });

  const prefix = "^/_matrix/client/v3";
  const part = "([^/]+)";
  return [
    { method: "GET", pattern: new RegExp(`${prefix}/account/whoami$`), handle: whoami },
    { method: "GET", pattern: new RegExp(`${prefix}/sync$`), handle: sync },
    { method: "PUT", pattern: new RegExp(`${prefix}/rooms/${part}/send/${part}/${part}$`), handle: send },
    { method: "GET", pattern: new RegExp(`${prefix}/rooms/${part}/event/${part}$`), handle: event },
    { method: "PUT", pattern: new RegExp(`${prefix}/rooms/${part}/redact/${part}/${part}$`), handle: redact },
    { method: "POST", pattern: new RegExp(`${prefix}/rooms/${part}/join$`), handle: join },
    { method: "POST", pattern: new RegExp(`${prefix}/join/${part}$`), handle: join },
    { method: "PUT", pattern: new RegExp(`${prefix}/rooms/${part}/typing/${part}$`), handle: typing },
  ];
}
