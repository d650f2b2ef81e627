/**
 * Keeps one Socket Mode connection alive: connects, reconnects with backoff, and watches for
 * connections that look open but deliver nothing — the "healthy socket that receives nothing"
 * users of other assistants report.
 *
 * The watchdog counts any sign of life: a frame from Slack (hello, envelopes, disconnect) or a
 * WebSocket ping/pong. When the connection has been quiet for half the bound it sends a ping
 * itself; past the whole bound with still nothing, the socket is dropped at once (not after
 * the 30-second close handshake a dead peer never completes) and a fresh one is opened. The same
 * bound applies to a socket that opened but never said hello. Bolt's client also pings and
 * drops pong-less connections; its own reconnect is off (`autoReconnectEnabled: false`) because
 * it can end in an unhandled rejection when apps.connections.open fails — every reconnect goes
 * through `schedule` here instead, which also keeps the health the gateway reports.
 */
import { channel as diagnosticsChannel } from "node:diagnostics_channel";
import type { SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";
import type { ChannelHealth } from "../../src/plugin/channel.ts";
import { slackErrorCode } from "./api.ts";

export type SocketClient = SocketModeReceiver["client"];

export interface SocketKeeperOptions {
  client: SocketClient;
  log: Logger;
  livenessTimeoutMs: number;
  reconnectDelayMs: number;
  onHealth: (health: ChannelHealth) => void;
}

interface RawSocket {
  ping?: () => void;
  terminate?: () => void;
  close?: () => void;
}

/** A token Slack refuses will not start working by retrying: fail start-up loudly instead. */
const PERMANENT_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "not_allowed_token_type",
  "token_revoked",
  "account_inactive",
]);
const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * The open WebSocket, which @slack/socket-mode 3 keeps in `SlackWebSocket#websocket` (not public
 * API): needed to ping it and to drop it at once. Without it the keeper falls back to
 * `client.disconnect()`.
 */
function rawSocketOf(client: SocketClient): RawSocket | undefined {
  return (
    (client.websocket as unknown as { websocket?: RawSocket | null } | undefined)?.websocket ?? undefined
  );
}

function describe(error: unknown): string {
  return slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error));
}

export function keepSocketAlive(options: SocketKeeperOptions) {
  const { client, log, livenessTimeoutMs: bound } = options;
  const frames = [diagnosticsChannel("undici:websocket:ping"), diagnosticsChannel("undici:websocket:pong")];
  let stopped = true;
  let connected = false;
  let connecting = false;
  let everConnected = false;
  let attemptStartedAt = 0;
  let lastSign = 0;
  let failures = 0;
  /** Why the watchdog dropped the current socket, kept for the health detail until reconnected. */
  let dropReason: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  const health = (ok: boolean, detail: string) => options.onHealth({ ok, detail });
  const noteSign = () => {
    lastSign = Date.now();
  };
  const noteFrame = (message: unknown) => {
    const socket = rawSocketOf(client);
    if (socket && (message as { websocket?: unknown } | null)?.websocket === socket) noteSign();
  };

  client.on("ws_message", noteSign);
  client.on("connected", () => {
    connected = true;
    failures = 0;
    dropReason = undefined;
    noteSign();
    health(true, "socket mode");
    log.info(everConnected ? "slack socket reconnected" : "slack socket connected");
    everConnected = true;
  });
  client.on("disconnected", () => {
    const wasConnected = connected;
    connected = false;
    if (stopped) return;
    health(false, dropReason ? `reconnecting: ${dropReason}` : "reconnecting");
    if (wasConnected) log.warn("slack socket closed; reconnecting");
    if (!connecting) schedule();
  });

  /** One connection attempt; resolves with the error, or undefined once Slack said hello. */
  async function attempt(): Promise<unknown> {
    connecting = true;
    attemptStartedAt = Date.now();
    try {
      await client.start();
      return undefined;
    } catch (error) {
      failures++;
      return error ?? new Error("closed before hello");
    } finally {
      connecting = false;
    }
  }

  function retryLater(error: unknown): void {
    if (stopped) return;
    health(false, `reconnecting: ${describe(error)}`);
    log.warn("slack socket connection failed; retrying", { error: describe(error), attempt: failures });
    schedule();
  }

  function schedule(): void {
    if (stopped || retryTimer) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, options.reconnectDelayMs * 2 ** failures);
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      if (stopped || connected || connecting) return;
      const error = await attempt();
      if (error !== undefined) retryLater(error);
    }, delay);
  }

  function drop(reason: string): void {
    dropReason = reason;
    log.warn("slack socket looks dead; reconnecting", { reason });
    health(false, `reconnecting: ${reason}`);
    const socket = rawSocketOf(client);
    if (socket?.terminate) socket.terminate();
    else void client.disconnect();
  }

  function check(): void {
    if (stopped) return;
    const now = Date.now();
    if (connected) {
      const quiet = now - lastSign;
      if (quiet > bound) drop(`no events or pongs for ${quiet} ms`);
      else if (quiet > bound / 2) rawSocketOf(client)?.ping?.();
    } else if (connecting && rawSocketOf(client) && now - attemptStartedAt > bound) {
      drop(`no hello within ${bound} ms`);
    }
  }

  return {
    /** Resolves after the first attempt; throws only when Slack refuses the app token. */
    async start(): Promise<void> {
      stopped = false;
      health(false, "connecting");
      for (const frame of frames) frame.subscribe(noteFrame);
      watchdog = setInterval(check, Math.max(20, Math.floor(bound / 4)));
      const error = await attempt();
      if (error === undefined) return;
      if (PERMANENT_ERRORS.has(slackErrorCode(error) ?? "")) {
        await this.stop();
        throw error;
      }
      retryLater(error);
    },
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      for (const frame of frames) frame.unsubscribe(noteFrame);
      const closing = client.disconnect();
      // A dead peer never answers the close frame; do not wait the SDK's 30 s for it.
      rawSocketOf(client)?.terminate?.();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer); // a pending timer would keep the process alive after shutdown
      health(false, "stopped");
    },
  };
}
