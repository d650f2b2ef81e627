/**
 * Starting the Bolt app: auth.test (the bot's own ids), the receiver for the mode (Socket Mode or
 * HTTP), the listeners, then `app.start()`. Kept apart from index.ts so that @slack/bolt (about
 * 130 ms to import) is loaded only when Slack is actually configured and started.
 */
import { App, webApi } from "@slack/bolt";
import type { ChannelHealth, ChannelHost } from "../../src/plugin/channel.ts";
import { createSlackCaller, webClientOptions } from "./api.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import type { SlackChannelConfig } from "./config.ts";
import { SlackHttpReceiver } from "./http-receiver.ts";
import { registerListeners } from "./listeners.ts";
import { SlackSender } from "./sender.ts";
import { SlackSocketReceiver } from "./socket-receiver.ts";

export interface SlackConnection {
  sender: SlackSender;
  /** HTTP mode only: where the gateway's requests go. */
  httpReceiver?: SlackHttpReceiver;
  stop(): Promise<void>;
}

export async function connectSlack(
  config: SlackChannelConfig,
  host: ChannelHost,
  onHealth: (health: ChannelHealth) => void,
): Promise<SlackConnection> {
  const { log } = host;
  const clientOptions = webClientOptions(config.apiUrl);
  /** Aborted by stop(): cuts rate-limit waits short. */
  const lifecycle = new AbortController();
  const callSlack = createSlackCaller(new webApi.WebClient(config.botToken, clientOptions), {
    log,
    maxRateLimitRetries: config.maxRateLimitRetries ?? 3,
    stopSignal: lifecycle.signal,
  });
  const identity = await callSlack("auth.test");
  const botUserId = String(identity.user_id ?? "");
  const sender = new SlackSender(callSlack, log);
  const receiver = config.appToken
    ? new SlackSocketReceiver({
        appToken: config.appToken,
        apiUrl: config.apiUrl,
        log,
        livenessTimeoutMs: config.livenessTimeoutMs ?? 20_000,
        reconnectDelayMs: config.reconnectDelayMs ?? 1000,
        onHealth,
      })
    : new SlackHttpReceiver({ signingSecret: config.signingSecret as string, log });
  const app = new App({
    token: config.botToken,
    // Known from auth.test above, so Bolt never calls it again per event.
    botId: String(identity.bot_id ?? ""),
    botUserId,
    receiver,
    logger: toBoltLogger(log),
    clientOptions,
    tokenVerificationEnabled: false,
    convoStore: false,
  });
  // Rethrown so the dispatcher sees it (a message that was not stored stays unacknowledged).
  app.error(async (error) => {
    throw error;
  });
  registerListeners(app, {
    host,
    sender,
    log,
    filter: { botUserId, allowChannels: config.allowChannels === true },
  });
  await app.start();
  const httpReceiver = receiver instanceof SlackHttpReceiver ? receiver : undefined;
  if (httpReceiver) onHealth({ ok: true, detail: "http events" });
  log.info("slack ready", {
    mode: httpReceiver ? "http" : "socket",
    bot: identity.user,
    team: identity.team,
  });
  return {
    sender,
    httpReceiver,
    stop: async () => {
      lifecycle.abort();
      await app.stop();
    },
  };
}
