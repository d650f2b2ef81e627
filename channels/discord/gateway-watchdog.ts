/**
 * Notices a gateway connection that went half-open (open on our side, nothing getting through)
 * and replaces it at once. discord.js finds such a "zombie" itself only at the heartbeat after
 * the one that went unanswered, and then sends a close frame and waits for the answer that a
 * dead peer never gives: about 35 s under Bun. At Discord's 41.25 s heartbeat that is 75–115 s
 * without DMs.
 *
 * The watchdog counts every sign of life @discordjs/ws reports for a shard (HELLO, READY,
 * RESUMED, any dispatch, a heartbeat ACK). A healthy connection is never quiet for much longer
 * than one heartbeat interval, so after 1.5 intervals of silence (at least one interval plus
 * half a second) it terminates the socket without a close handshake. discord.js then sees an abnormal
 * close (1006) and resumes on a new socket 0.5 s later, as after any dropped connection — or, if
 * it was already waiting on its own close handshake, stops waiting. The interval is learnt from
 * the spacing of acknowledged heartbeats (HELLO's value is not exposed); until then Discord's.
 *
 * The socket is a private field of @discordjs/ws's shard (checked against @discordjs/ws 1.2); if
 * it is not found, the watchdog only logs and discord.js's own detection remains.
 */
import { SimpleShardingStrategy } from "discord.js";
import type { Logger } from "../../src/log.ts";

/** Discord's heartbeat interval today; used until a connection has shown its own. */
export const discordHeartbeatIntervalMs = 41_250;
const minimumAckAllowanceMs = 500;
const signsOfLife = new Set(["hello", "ready", "resumed", "dispatch", "heartbeat"]);
const openOrClosing = new Set([0, 1, 2]); // CONNECTING, OPEN, CLOSING

type GatewayManager = ConstructorParameters<typeof SimpleShardingStrategy>[0];

interface RawSocket {
  readyState: number;
  terminate?: () => void;
}

/** The part of a @discordjs/ws WebSocketShard the watchdog reads; `connection` is not public API. */
interface ShardView {
  connection?: RawSocket | null;
}

interface ShardWatch {
  watching: boolean;
  lastSignAt: number;
  lastHeartbeatAt?: number;
  /** The longest spacing of acknowledged heartbeats on this connection: its interval. */
  intervalMs?: number;
}

/** Silence allowed before a connection counts as dead. */
export function livenessBoundMs(intervalMs: number): number {
  return intervalMs + Math.max(intervalMs / 2, minimumAckAllowanceMs);
}

/** A SimpleShardingStrategy that watches each shard's liveness while connected. */
export class WatchedShardingStrategy extends SimpleShardingStrategy {
  readonly #log: Logger;
  readonly #watches = new Map<number, ShardWatch>();
  #knownIntervalMs = discordHeartbeatIntervalMs;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(manager: GatewayManager, log: Logger) {
    super(manager);
    this.#log = log;
  }

  override async connect(): Promise<void> {
    this.#running = true;
    this.#schedule();
    await super.connect();
  }

  override async destroy(options?: Parameters<SimpleShardingStrategy["destroy"]>[0]): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#watches.clear();
    await super.destroy(options);
  }

  /** Called with every event a shard emits through the manager (see connection.ts). */
  note(event: string, payload: unknown): void {
    const { shardId, heartbeatAt } = (payload ?? {}) as { shardId?: unknown; heartbeatAt?: unknown };
    if (typeof shardId !== "number") return;
    const now = Date.now();
    // A connection is watched from its HELLO until it closes; connecting is discord.js's business.
    if (event === "hello") this.#watches.set(shardId, { watching: true, lastSignAt: now });
    const watch = this.#watches.get(shardId);
    if (!watch) return;
    if (event === "closed") watch.watching = false;
    if (signsOfLife.has(event)) watch.lastSignAt = now;
    if (event === "heartbeat" && typeof heartbeatAt === "number") {
      const spacing = watch.lastHeartbeatAt === undefined ? 0 : heartbeatAt - watch.lastHeartbeatAt;
      if (spacing > (watch.intervalMs ?? 0)) {
        watch.intervalMs = spacing;
        this.#knownIntervalMs = spacing;
      }
      watch.lastHeartbeatAt = heartbeatAt;
    }
  }

  #boundFor(watch: ShardWatch): number {
    return livenessBoundMs(watch.intervalMs ?? this.#knownIntervalMs);
  }

  #schedule(): void {
    if (!this.#running) return;
    let shortest = livenessBoundMs(this.#knownIntervalMs);
    for (const watch of this.#watches.values()) shortest = Math.min(shortest, this.#boundFor(watch));
    this.#timer = setTimeout(() => this.#check(), Math.min(1000, Math.max(20, shortest / 10)));
    this.#timer.unref?.();
  }

  #check(): void {
    const now = Date.now();
    for (const [shardId, watch] of this.#watches) {
      const quietMs = now - watch.lastSignAt;
      if (watch.watching && quietMs > this.#boundFor(watch)) this.#drop(shardId, watch, quietMs);
    }
    this.#schedule();
  }

  #drop(shardId: number, watch: ShardWatch, quietMs: number): void {
    watch.watching = false; // until the next HELLO
    const shards = (this as unknown as { shards?: Map<number, ShardView> }).shards;
    const socket = shards?.get?.(shardId)?.connection;
    const fields = { shard: shardId, quietMs, boundMs: Math.round(this.#boundFor(watch)) };
    if (!socket || typeof socket.terminate !== "function") {
      this.#log.warn(
        "discord gateway silent, but its socket is out of reach; waiting for discord.js",
        fields,
      );
      return;
    }
    if (!openOrClosing.has(socket.readyState)) return;
    this.#log.warn("discord gateway silent; dropping the connection to reconnect now", fields);
    socket.terminate();
  }
}
