/**
 * Socket Mode: a Bolt Receiver on a Socket Mode WebSocket (apps.connections.open with the
 * app-level token, then envelopes over the socket, each acknowledged by `envelope_id`).
 *
 * Only the *client* of Bolt's SocketModeReceiver is used (the receiver is a convenient,
 * exported way to build one): the receiver itself would acknowledge events before they are
 * stored, and since it is never `init`ed its own handler stays inert. Envelopes go through the
 * shared dispatcher instead (dispatch.ts), and socket-keeper.ts keeps the connection alive.
 */
import { type App, type Receiver, SocketModeReceiver } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";
import type { ChannelHealth } from "../../src/plugin/channel.ts";
import { webClientOptions } from "./api.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { createDispatcher, type Dispatch } from "./dispatch.ts";
import { keepSocketAlive, type SocketClient } from "./socket-keeper.ts";

export interface SocketReceiverOptions {
  appToken: string;
  apiUrl?: string;
  log: Logger;
  livenessTimeoutMs: number;
  reconnectDelayMs: number;
  onHealth: (health: ChannelHealth) => void;
}

interface Envelope {
  ack: (payload?: unknown) => Promise<void>;
  type?: string;
  body?: unknown;
  retry_num?: number;
  retry_reason?: string;
}

export class SlackSocketReceiver implements Receiver {
  readonly client: SocketClient;
  readonly #keeper: ReturnType<typeof keepSocketAlive>;
  #dispatch: Dispatch | undefined;

  constructor(private readonly options: SocketReceiverOptions) {
    this.client = new SocketModeReceiver({
      appToken: options.appToken,
      logger: toBoltLogger(options.log),
      autoReconnectEnabled: false,
      // The keeper retries apps.connections.open with its own backoff.
      installerOptions: {
        clientOptions: { ...webClientOptions(options.apiUrl), retryConfig: { retries: 0 } },
      },
    }).client;
    this.client.on("slack_event", (envelope: Envelope) => void this.#onEnvelope(envelope));
    this.#keeper = keepSocketAlive({ client: this.client, ...options });
  }

  init(app: App): void {
    this.#dispatch = createDispatcher(app, this.options.log);
  }

  start(): Promise<void> {
    return this.#keeper.start();
  }

  stop(): Promise<void> {
    return this.#keeper.stop();
  }

  async #onEnvelope(envelope: Envelope): Promise<void> {
    const { log } = this.options;
    if (!this.#dispatch) return;
    const meta = { retryNum: envelope.retry_num, retryReason: envelope.retry_reason || undefined };
    const ack = (payload?: unknown) =>
      envelope
        .ack(payload)
        .catch((error: unknown) => log.warn("could not acknowledge a Slack envelope", { error }));
    try {
      await this.#dispatch(envelope.body, meta, ack);
    } catch (error) {
      log.error("a Slack envelope was not stored; left unacknowledged so Slack retries", {
        type: envelope.type,
        error,
      });
    }
  }
}
