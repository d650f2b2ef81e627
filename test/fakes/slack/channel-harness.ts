/**
 * Set-up for the Slack channel tests (test/channels/slack*.test.ts): the fake Slack, the real channel (Socket Mode or HTTP mode
 * behind the real gateway route), and the real host on a test database, torn down after each test.
 */

import { afterEach } from "bun:test";
import { createSlackChannel, type SlackChannelConfig } from "../../../channels/slack/index.ts";
import type { DatabaseHandle } from "../../../src/db/client.ts";
import { startGateway } from "../../../src/gateway/server.ts";
import { createLogger, type Logger } from "../../../src/log.ts";
import type { Tool } from "../../../src/plugin/tool.ts";
import { createRiskyTool } from "../../agent/tools-fixtures.ts";
import { startHostHarness } from "../../support/host.ts";
import type { Script } from "../llm/scripted-server.ts";
import { type FakeMessage, type SlackFake, startSlackFake } from "./slack-fake.ts";

export const OWNER = "U0OWNER";
export const STRANGER = "U0STRANGER";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export async function newSlackFake(): Promise<SlackFake> {
  const slack = await startSlackFake();
  cleanups.push(() => slack.close());
  return slack;
}

export interface Setup {
  handle: DatabaseHandle;
  mode?: "socket" | "http";
  slack?: SlackFake;
  owner?: boolean;
  script?: Script[];
  tools?: Tool[];
  channel?: Partial<SlackChannelConfig>;
}

export async function start(setup: Setup) {
  const slack = setup.slack ?? (await newSlackFake());
  const mode = setup.mode ?? "socket";
  const channel = createSlackChannel({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    ...(mode === "socket" ? { appToken: slack.appToken } : { signingSecret: slack.signingSecret }),
    livenessTimeoutMs: 800,
    reconnectDelayMs: 50,
    ...setup.channel,
  });
  const logLines: string[] = [];
  const log: Logger = createLogger({ level: "debug", format: "json", write: (line) => logLines.push(line) });
  const harness = await startHostHarness(setup.handle, {
    channels: [channel],
    env: setup.owner === false ? {} : { SLACK_OWNER_ID: OWNER },
    owner: false,
    script: setup.script,
    tools: setup.tools,
    overrides: { log },
  });
  // The same route app.ts gives the gateway: /channels/<id>/… goes to the channel.
  const gateway = startGateway({
    host: "127.0.0.1",
    port: 0,
    log,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      (request, url) => {
        const match = /^\/channels\/slack(\/.*)?$/.exec(url.pathname);
        return match ? channel.handleHttp?.(request, match[1] ?? "/") : undefined;
      },
    ],
  });
  if (mode === "http") slack.deliverOverHttp(`${gateway.url}/channels/slack/events`);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await harness.close();
    await gateway.stop();
  };
  cleanups.push(close);
  return { ...harness, slack, slackChannel: channel, gateway, logLines, close };
}

export const replies = (slack: SlackFake, user = OWNER): string[] =>
  slack
    .messages(slack.imOf(user))
    .filter((message) => !message.deleted)
    .map((message) => message.plainText);

/** Polls until `predicate` holds (fake state changes without a call to wait for). */
export async function until(
  predicate: () => boolean,
  describe: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out; ${describe()}`);
    await Bun.sleep(10);
  }
}

export function waitForReply(slack: SlackFake, predicate: (texts: string[]) => boolean, user = OWNER) {
  return until(
    () => predicate(replies(slack, user)),
    () => `chat shows ${JSON.stringify(replies(slack, user))}`,
  );
}

export const hasButtons = (message: FakeMessage): boolean =>
  message.blocks.some((block) => (block as { type?: string }).type === "actions");

/** Starts a host whose model asks for `deploy`, sends "deploy", and waits for the approval prompt. */
export async function startWithPrompt(setup: Setup & { runs: string[]; finalText: string }) {
  const started = await start({
    ...setup,
    tools: [createRiskyTool(setup.runs)],
    script: [
      { toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }] },
      { text: setup.finalText },
    ],
  });
  const { slack } = started;
  slack.pushDm({ from: OWNER, text: "deploy" });
  const channel = slack.imOf(OWNER);
  await until(
    () => slack.messages(channel).some(hasButtons),
    () => `no prompt; chat shows ${JSON.stringify(replies(slack))}`,
  );
  const prompt = slack.messages(channel).find(hasButtons) as FakeMessage;
  return { ...started, prompt };
}

/** Log lines (JSON) whose message matches. */
export function logged(lines: string[], message: string): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === message);
}
