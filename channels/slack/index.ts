/**
 * The Slack channel (@slack/bolt). Wiring only: connect.ts starts the Bolt app with a receiver
 * for Socket Mode (socket-receiver.ts, kept alive by socket-keeper.ts) or HTTP on the gateway
 * (http-receiver.ts), both acknowledged through dispatch.ts; listeners.ts, sender.ts,
 * buttons.ts and format.ts do the rest. See README.md for the app manifest and platform quirks.
 */
import type { Channel } from "../../src/plugin/channel.ts";
import { HealthTracker } from "../shared/health.ts";
import { approvalMessage, settledApprovalMessage } from "./buttons.ts";
import type { SlackChannelConfig } from "./config.ts";
import type { SlackConnection } from "./connect.ts";

export type { SlackChannelConfig } from "./config.ts";

/** Request URLs served under /channels/slack/ (events and interactivity may share one). */
const HTTP_PATHS = new Set(["/events", "/interactivity"]);

export function createSlackChannel(config: SlackChannelConfig): Channel {
  if (!config.appToken && !config.signingSecret) {
    throw new Error("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)");
  }
  const health = new HealthTracker();
  let connection: SlackConnection | undefined;

  const sender = () => {
    if (!connection) throw new Error("the Slack channel is not started");
    return connection.sender;
  };

  return {
    id: "slack",
    async start(host) {
      const { connectSlack } = await import("./connect.ts");
      health.connecting();
      try {
        connection = await connectSlack(config, host, (next) => health.report(next));
      } catch (error) {
        health.degraded(error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    async stop() {
      const current = connection;
      connection = undefined;
      await current?.stop();
      health.stopped();
    },
    async send(to, message) {
      return sender().send(to.chatId, message.text);
    },
    async edit(ref, message) {
      await sender().edit(ref, message.text);
    },
    async askApproval(to, prompt) {
      const ts = await sender().post(to.chatId, approvalMessage(prompt));
      return { chatId: to.chatId, messageId: ts };
    },
    async settleApproval(ref, outcome, prompt) {
      await sender().update(ref.chatId, ref.messageId, settledApprovalMessage(prompt, outcome));
    },
    health: () => health.current(),
    async handleHttp(request, path) {
      const receiver = connection?.httpReceiver;
      if (!receiver || !HTTP_PATHS.has(path)) return undefined;
      return receiver.handle(request);
    },
  };
}
