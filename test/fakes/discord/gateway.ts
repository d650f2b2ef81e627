/**
 * The fake's gateway: the WebSocket half of Discord, speaking JSON frames as discord.js expects.
 * HELLO on connect; IDENTIFY → READY (+ GUILD_CREATE for each guild when the Guilds intent is
 * set, otherwise discord.js waits 15 s); heartbeats → HEARTBEAT_ACK; RESUME → the missed events
 * then RESUMED, or INVALID_SESSION when the session cannot be resumed. Dispatches get sequence
 * numbers per session and are kept, so a RESUME replays what arrived while the socket was down —
 * as Discord does. Close codes follow Discord: a server-initiated 4007/4009/4004… ends the
 * session; a client close with 1000/1001 ends it too.
 */
import type { ServerWebSocket } from "bun";

export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

const PRIVILEGED = Intents.GuildMembers | Intents.GuildPresences | Intents.MessageContent;
/** Close codes after which Discord does not accept a RESUME of the session. */
const SESSION_ENDING_CODES = new Set([1000, 1001, 4003, 4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

export interface GatewayFrame {
  connection: number;
  op: number;
  d: unknown;
  at: number;
}

export interface Session {
  id: string;
  intents: number;
  seq: number;
  events: { s: number; t: string; d: unknown }[];
  socket?: ServerWebSocket<SocketData>;
  resumable: boolean;
}

export interface SocketData {
  connection: number;
  session?: Session;
}

export interface GatewayOptions {
  token: string;
  url: () => string;
  heartbeatIntervalMs: number;
  /** Privileged intents the "developer portal" has switched on; others close with 4014. */
  privilegedIntents: number;
  readyPayload: (session: Session) => Record<string, unknown>;
  guildCreatePayloads: () => unknown[];
}

export class FakeGateway {
  readonly frames: GatewayFrame[] = [];
  /** Dispatches nobody received (no session yet, or the intent for them is missing). */
  readonly dropped: { t: string; d: unknown; reason: string }[] = [];
  /** Connection numbers of the sockets open on the fake's side. */
  readonly openConnections = new Set<number>();
  #sessions = new Map<string, Session>();
  #current?: Session;
  #connections = 0;
  #sessionCounter = 0;
  ackHeartbeats = true;

  constructor(private readonly options: GatewayOptions) {}

  nextConnection(): SocketData {
    return { connection: ++this.#connections };
  }

  /** True while a socket with an identified or resumed session is open. */
  get connected(): boolean {
    return this.#current?.socket !== undefined;
  }

  /** The number of the socket the current session is on, if it is on one. */
  get currentConnection(): number | undefined {
    return this.#current?.socket?.data.connection;
  }

  open(socket: ServerWebSocket<SocketData>): void {
    this.openConnections.add(socket.data.connection);
    this.#send(socket, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  message(socket: ServerWebSocket<SocketData>, raw: string | Buffer): void {
    let frame: { op?: unknown; d?: unknown };
    try {
      frame = JSON.parse(String(raw));
    } catch {
      socket.close(4002, "Error while decoding payload.");
      return;
    }
    this.frames.push({
      connection: socket.data.connection,
      op: Number(frame.op),
      d: frame.d,
      at: Date.now(),
    });
    const d = (frame.d ?? {}) as Record<string, unknown>;
    switch (frame.op) {
      case 1:
        if (this.ackHeartbeats) this.#send(socket, { op: 11 });
        return;
      case 2:
        this.#identify(socket, d);
        return;
      case 6:
        this.#resume(socket, d);
        return;
      default:
        return; // presence updates, member requests…: accepted and ignored
    }
  }

  closed(socket: ServerWebSocket<SocketData>, code: number): void {
    this.openConnections.delete(socket.data.connection);
    const session = socket.data.session;
    if (!session || session.socket !== socket) return;
    session.socket = undefined;
    if (SESSION_ENDING_CODES.has(code)) session.resumable = false;
  }

  /** Sends an event to the current session (buffered for a RESUME while its socket is down). */
  dispatch(t: string, d: unknown, requiredIntent?: number): void {
    const session = this.#current;
    if (!session) {
      this.dropped.push({ t, d, reason: "no session" });
      return;
    }
    if (requiredIntent !== undefined && (session.intents & requiredIntent) === 0) {
      this.dropped.push({ t, d, reason: "intent not requested" });
      return;
    }
    const event = { s: ++session.seq, t, d };
    session.events.push(event);
    if (session.socket) this.#send(session.socket, { op: 0, ...event });
  }

  /** Server-initiated close of the live socket; codes in SESSION_ENDING_CODES end the session. */
  disconnect(code: number, reason = "fake: closed by the test"): void {
    const session = this.#current;
    const socket = session?.socket;
    if (!session || !socket) throw new Error("discord fake: no live gateway connection to close");
    session.socket = undefined;
    if (SESSION_ENDING_CODES.has(code)) session.resumable = false;
    socket.close(code, reason);
  }

  /** Asks the client to reconnect and resume (opcode 7). */
  requestReconnect(): void {
    const socket = this.#current?.socket;
    if (socket) this.#send(socket, { op: 7, d: null });
  }

  intentsOfCurrentSession(): number | undefined {
    return this.#current?.intents;
  }

  #identify(socket: ServerWebSocket<SocketData>, d: Record<string, unknown>): void {
    const intents = Number(d.intents ?? 0);
    const refusal = socket.data.session
      ? ([4005, "Already authenticated."] as const)
      : d.token !== this.options.token
        ? ([4004, "Authentication failed."] as const)
        : (intents & PRIVILEGED & ~this.options.privilegedIntents) !== 0
          ? ([4014, "Disallowed intent(s)."] as const)
          : undefined;
    if (refusal) {
      socket.close(refusal[0], refusal[1]);
      return;
    }
    const session: Session = {
      id: `fake-session-${++this.#sessionCounter}`,
      intents,
      seq: 0,
      events: [],
      socket,
      resumable: true,
    };
    this.#sessions.set(session.id, session);
    this.#current = session;
    socket.data.session = session;
    this.dispatch("READY", this.options.readyPayload(session));
    if (intents & Intents.Guilds)
      for (const guild of this.options.guildCreatePayloads()) this.dispatch("GUILD_CREATE", guild);
  }

  #resume(socket: ServerWebSocket<SocketData>, d: Record<string, unknown>): void {
    const session = this.#sessions.get(String(d.session_id));
    if (d.token !== this.options.token) {
      socket.close(4004, "Authentication failed.");
      return;
    }
    if (!session?.resumable) {
      this.#send(socket, { op: 9, d: false });
      return;
    }
    session.socket = socket;
    socket.data.session = session;
    this.#current = session;
    const since = Number(d.seq ?? 0);
    for (const event of session.events) if (event.s > since) this.#send(socket, { op: 0, ...event });
    this.dispatch("RESUMED", {});
  }

  #send(socket: ServerWebSocket<SocketData>, frame: Record<string, unknown>): void {
    socket.send(JSON.stringify({ s: null, t: null, ...frame }));
  }
}
