/**
 * Discord runs the channel contract: the real discord.js client against the fake Discord (REST
 * and gateway WebSocket, test/fakes/discord/), buttons as message components, notices as
 * ephemeral interaction replies.
 */
import { createDiscordChannel } from "../../channels/discord/index.ts";
import type { ApprovalDecision } from "../../src/plugin/channel.ts";
import { type FakeMessage, startDiscordFake } from "../fakes/discord/discord-fake.ts";
import { describeChannelContract } from "./channel-contract.ts";
import type { ContractPlatform, Person } from "./channel-descriptor.ts";

const userIds: Record<Person, string> = { owner: "300000000000000001", stranger: "300000000000000666" };
const POST_MESSAGE = "POST /channels/:channel/messages";

interface Button {
  custom_id: string;
  label: string;
  disabled?: boolean;
}
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  ((message?.components[0] as { components?: Button[] } | undefined)?.components ?? []) as Button[];

function startDiscordPlatform(): ContractPlatform {
  const fake = startDiscordFake();
  const visible = (person: Person) =>
    fake.messages(fake.dmChannelId(userIds[person])).filter((message) => !message.deleted);
  return {
    createChannel: () => createDiscordChannel({ token: fake.token, apiUrl: fake.apiUrl }),
    host: { env: { DISCORD_OWNER_ID: userIds.owner } },
    sendDm: async (from, text) => fake.pushDm({ from: userIds[from], text }),
    async redeliver(delivered) {
      fake.redeliver(delivered as Record<string, unknown>);
    },
    chat: (person) =>
      visible(person).map((message) => ({ text: message.content, size: message.content.length })),
    findPrompt() {
      const prompt = visible("owner").find((message) => buttonsOf(message).length > 0);
      if (!prompt) return undefined;
      const buttons = buttonsOf(prompt);
      return {
        text: () => fake.message(prompt.id)?.content ?? "",
        isOpen: () => buttonsOf(fake.message(prompt.id)).some((button) => !button.disabled),
        async press(decision: ApprovalDecision, by: Person) {
          const button = buttons.find((candidate) => candidate.label.toLowerCase() === decision);
          const interaction = fake.pressButton({
            from: userIds[by],
            messageId: prompt.id,
            customId: button?.custom_id ?? "",
            channelId: fake.dmChannelId(userIds.owner),
          });
          await fake.waitFor(() => fake.interaction(interaction.id)?.ack);
          return { notice: () => fake.interaction(interaction.id)?.replies[0]?.content };
        },
      };
    },
    failSends() {
      const failed = () =>
        fake.calls.filter((call) => call.route === POST_MESSAGE && call.status === 404).length;
      fake.failNext(POST_MESSAGE, { status: 404, code: 10003, message: "Unknown Channel" }, 100);
      return { attempts: failed, restore: () => fake.clearFailures() };
    },
    close: () => fake.close(),
  };
}

describeChannelContract({
  name: "discord",
  messageLimit: 2000,
  startPlatform: async () => startDiscordPlatform(),
});
