/**
 * Slack runs the channel contract in both of its modes: the real Bolt app against the fake Slack
 * (test/fakes/slack/) over Socket Mode, and over signed HTTP deliveries through the real gateway
 * route. Buttons are Block Kit actions, notices are ephemeral messages.
 */
import { createSlackChannel } from "../../channels/slack/index.ts";
import { startGateway } from "../../src/gateway/server.ts";
import { silentLogger } from "../../src/log.ts";
import type { ApprovalDecision, Channel } from "../../src/plugin/channel.ts";
import { buttonsOf, type Delivery, type FakeMessage, startSlackFake } from "../fakes/slack/slack-fake.ts";
import { describeChannelContract } from "./channel-contract.ts";
import type { ContractPlatform, Person } from "./channel-descriptor.ts";

const userIds: Record<Person, string> = { owner: "U0OWNER", stranger: "U0STRANGER" };
const decisionLabels: Record<ApprovalDecision, string> = {
  approve: "Approve",
  always: "Always",
  deny: "Deny",
};

const hasButtons = (message: FakeMessage | undefined): boolean =>
  message?.blocks.some((block) => (block as { type?: string }).type === "actions") ?? false;

async function startSlackPlatform(mode: "socket" | "http"): Promise<ContractPlatform> {
  const slack = await startSlackFake();
  let current: Channel | undefined;
  // The route app.ts gives the gateway: /channels/slack/… goes to the running channel.
  const gateway =
    mode === "http"
      ? startGateway({
          host: "127.0.0.1",
          port: 0,
          log: silentLogger,
          readiness: async () => ({ ok: true, checks: {} }),
          routes: [
            (request, url) => {
              const match = /^\/channels\/slack(\/.*)?$/.exec(url.pathname);
              return match ? current?.handleHttp?.(request, match[1] ?? "/") : undefined;
            },
          ],
        })
      : undefined;
  if (gateway) slack.deliverOverHttp(`${gateway.url}/channels/slack/events`);
  const visible = (person: Person) =>
    slack.messages(slack.imOf(userIds[person])).filter((message) => !message.deleted);
  const messageAt = (ts: string) => visible("owner").find((message) => message.ts === ts);
  return {
    createChannel() {
      current = createSlackChannel({
        botToken: slack.botToken,
        apiUrl: slack.apiUrl,
        ...(mode === "socket" ? { appToken: slack.appToken } : { signingSecret: slack.signingSecret }),
        livenessTimeoutMs: 800,
        reconnectDelayMs: 50,
      });
      return current;
    },
    host: { env: { SLACK_OWNER_ID: userIds.owner } },
    async sendDm(from, text) {
      const delivery = slack.pushDm({ from: userIds[from], text });
      await delivery.done;
      return delivery;
    },
    async redeliver(delivered) {
      await slack.redeliver(delivered as Delivery).done;
    },
    chat: (person) =>
      visible(person).map((message) => ({ text: message.plainText, size: message.text.length })),
    findPrompt() {
      const live = visible("owner").find(hasButtons);
      if (!live) return undefined;
      // The presser's screen as it was: the fake edits `live` in place when the prompt is settled.
      const shown: FakeMessage = { ...live, blocks: structuredClone(live.blocks) };
      return {
        text: () => messageAt(shown.ts)?.plainText ?? "",
        isOpen: () => hasButtons(messageAt(shown.ts)),
        async press(decision: ApprovalDecision, by: Person) {
          const button = buttonsOf(shown).find((candidate) =>
            candidate.text.text.includes(decisionLabels[decision]),
          );
          const before = slack.ephemerals().length;
          await slack.pressButton({
            from: userIds[by],
            message: shown,
            actionId: button?.action_id ?? "",
            value: button?.value,
          }).done;
          return {
            notice: () =>
              slack
                .ephemerals()
                .slice(before)
                .find((ephemeral) => ephemeral.user === userIds[by])?.text,
          };
        },
      };
    },
    failSends() {
      const sends = () => slack.calls.filter((call) => call.method === "chat.postMessage").length;
      const before = sends();
      slack.failNext("chat.postMessage", { error: "channel_not_found" }, 100);
      return { attempts: () => sends() - before, restore: () => slack.clearFailures() };
    },
    async close() {
      await gateway?.stop();
      await slack.close();
    },
  };
}

for (const mode of ["socket", "http"] as const) {
  describeChannelContract({
    name: `slack (${mode} mode)`,
    messageLimit: 40_000,
    startPlatform: () => startSlackPlatform(mode),
  });
}
