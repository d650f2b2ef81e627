/**
 * The fake's Socket Mode side: connections opened with the URL from apps.connections.open get
 * `hello`, then envelopes (`events_api`, `interactive`) that the client acknowledges by
 * `envelope_id`; a `disconnect` message asks the client to reconnect. Envelopes wait in a queue
 * while no connection is live, as Slack holds events for a reconnecting app.
 *
 * Test controls: `silence()` turns every current connection into a half-dead one — nothing
 * delivered, and no pongs either (the server's WebSocket library answers pings by itself, so
 * connections run through a small TCP relay that can stop forwarding); `withholdHello(n)` opens
 * the next n connections without ever saying hello.
 */
import { connect as connectTcp, createServer, type Socket } from "node:net";
import type { ServerWebSocket } from "bun";

export interface SocketData {
  id: number;
}

export interface ConnectionInfo {
  id: number;
  openedAt: number;
  closedAt?: number;
  helloSent: boolean;
  silent: boolean;
}

export interface Envelope {
  envelopeId: string;
  type: "events_api" | "interactive";
  payload: Record<string, unknown>;
  retryAttempt: number;
  /** The connection it went out on, once sent. */
  connectionId?: number;
  /** Resolves with the ack's payload when the client acknowledges this envelope. */
  acked: Promise<unknown>;
  isAcked: () => boolean;
}

interface Connection extends ConnectionInfo {
  ws: ServerWebSocket<SocketData>;
}

interface RelayPair {
  client: Socket;
  upstream: Socket;
  frozen: boolean;
}

export class SocketModeServer {
  readonly acks: { envelopeId: string; payload: unknown; at: number }[] = [];
  private readonly connections: Connection[] = [];
  private readonly queue: Envelope[] = [];
  private readonly resolvers = new Map<string, (payload: unknown) => void>();
  private readonly pairs = new Set<RelayPair>();
  private readonly relay = createServer((client) => this.pipe(client));
  private withheld = 0;
  private tickets = 0;
  private targetPort = 0;

  constructor(private readonly appId: string) {}

  /** Starts the relay in front of the WebSocket server listening on `targetPort`. */
  async listen(targetPort: number): Promise<void> {
    this.targetPort = targetPort;
    await new Promise<void>((resolve) => this.relay.listen(0, "127.0.0.1", resolve));
  }

  /** The URL apps.connections.open hands out: through the relay, one ticket per call. */
  url(): string {
    const { port } = this.relay.address() as { port: number };
    return `ws://127.0.0.1:${port}/link/?ticket=${++this.tickets}&app_id=${this.appId}`;
  }

  info(): ConnectionInfo[] {
    return this.connections.map(({ ws: _ws, ...info }) => ({ ...info }));
  }

  open(ws: ServerWebSocket<SocketData>): void {
    const connection: Connection = {
      id: ws.data.id,
      ws,
      openedAt: Date.now(),
      helloSent: false,
      silent: false,
    };
    this.connections.push(connection);
    if (this.withheld > 0) {
      this.withheld--;
      return;
    }
    const live = this.connections.filter((entry) => entry.closedAt === undefined).length;
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: live,
        debug_info: { host: "applink-fake", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    connection.helloSent = true;
    this.flush();
  }

  message(_ws: ServerWebSocket<SocketData>, data: string | Buffer): void {
    let frame: { envelope_id?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof frame.envelope_id !== "string") return;
    this.acks.push({ envelopeId: frame.envelope_id, payload: frame.payload, at: Date.now() });
    this.resolvers.get(frame.envelope_id)?.(frame.payload ?? {});
    this.resolvers.delete(frame.envelope_id);
  }

  close(ws: ServerWebSocket<SocketData>): void {
    const connection = this.connections.find((entry) => entry.id === ws.data.id);
    if (connection) connection.closedAt = Date.now();
  }

  deliver(type: Envelope["type"], payload: Record<string, unknown>, retryAttempt = 0): Envelope {
    const envelopeId = crypto.randomUUID();
    let acked = false;
    const promise = new Promise<unknown>((resolve) =>
      this.resolvers.set(envelopeId, (value) => {
        acked = true;
        resolve(value);
      }),
    );
    const envelope: Envelope = {
      envelopeId,
      type,
      payload,
      retryAttempt,
      acked: promise,
      isAcked: () => acked,
    };
    this.queue.push(envelope);
    this.flush();
    return envelope;
  }

  /** Sends a frame as is (malformed JSON, unknown types) on the live connection. */
  sendRaw(frame: string): boolean {
    const live = this.live();
    live?.ws.send(frame);
    return live !== undefined;
  }

  /** Slack's "please reconnect" message, on every live connection. */
  disconnect(reason = "refresh_requested"): void {
    for (const connection of this.connections.filter(
      (entry) => entry.closedAt === undefined && !entry.silent,
    )) {
      connection.ws.send(
        JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake" } }),
      );
    }
  }

  silence(): void {
    for (const connection of this.connections) connection.silent = true;
    for (const pair of this.pairs) pair.frozen = true;
  }

  withholdHello(count = 1): void {
    this.withheld += count;
  }

  shutdown(): void {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.relay.close();
  }

  private live(): Connection | undefined {
    return this.connections.findLast(
      (entry) => entry.closedAt === undefined && entry.helloSent && !entry.silent,
    );
  }

  private flush(): void {
    const live = this.live();
    if (!live) return;
    for (const envelope of this.queue.splice(0)) {
      envelope.connectionId = live.id;
      const frame: Record<string, unknown> = {
        envelope_id: envelope.envelopeId,
        payload: envelope.payload,
        type: envelope.type,
        accepts_response_payload: false,
      };
      if (envelope.type === "events_api") {
        frame.retry_attempt = envelope.retryAttempt;
        frame.retry_reason = envelope.retryAttempt > 0 ? "timeout" : "";
      }
      live.ws.send(JSON.stringify(frame));
    }
  }

  private pipe(client: Socket): void {
    const upstream = connectTcp(this.targetPort, "127.0.0.1");
    const pair: RelayPair = { client, upstream, frozen: false };
    this.pairs.add(pair);
    client.on("data", (chunk) => {
      if (!pair.frozen) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!pair.frozen) client.write(chunk);
    });
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("close", end);
      socket.on("error", end);
    }
  }
}
