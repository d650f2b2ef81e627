/**
 * Telegram runs the channel contract: the real grammY client in polling mode against the fake
 * Bot API (test/fakes/telegram/), buttons as inline keyboards, notices as callback answers.
 */
import type { Update } from "grammy/types";
import { createTelegramChannel } from "../../channels/telegram/index.ts";
import type { ApprovalDecision } from "../../src/plugin/channel.ts";
import { startTelegramFake } from "../fakes/telegram/bot-api-fake.ts";
import { describeChannelContract } from "./channel-contract.ts";
import type { ContractPlatform, Person } from "./channel-descriptor.ts";

const userIds: Record<Person, number> = { owner: 4242, stranger: 999 };

function startTelegramPlatform(): ContractPlatform {
  const fake = startTelegramFake();
  const visible = (person: Person) => fake.messages(userIds[person]).filter((message) => !message.deleted);
  const messageOf = (messageId: number) =>
    fake.messages(userIds.owner).find((message) => message.messageId === messageId);
  return {
    createChannel: () =>
      createTelegramChannel({
        token: fake.token,
        apiRoot: fake.apiRoot,
        mode: "polling",
        pollTimeoutSeconds: 1,
        watchdogMarginMs: 400,
      }),
    host: { env: { TELEGRAM_OWNER_ID: String(userIds.owner) } },
    sendDm: async (from, text) => fake.pushMessage({ from: userIds[from], text }),
    async redeliver(delivered) {
      const { update_id } = delivered as Update;
      // Telegram redelivers the last batch when its acknowledgement (the next offset) was lost.
      const batch = fake.redeliver();
      if (!batch.some((update) => update.update_id === update_id))
        throw new Error("the update to redeliver is not in the last batch");
    },
    chat: (person) =>
      visible(person).map((message) => ({ text: message.plainText, size: message.text.length })),
    findPrompt() {
      const prompt = visible("owner").find((message) => message.replyMarkup?.inline_keyboard.length);
      if (!prompt) return undefined;
      const buttons = prompt.replyMarkup?.inline_keyboard[0] ?? [];
      return {
        text: () => messageOf(prompt.messageId)?.plainText ?? "",
        isOpen: () => (messageOf(prompt.messageId)?.replyMarkup?.inline_keyboard.length ?? 0) > 0,
        async press(decision: ApprovalDecision, by: Person) {
          const button = buttons.find((candidate) => candidate.text.toLowerCase().includes(decision));
          const data = (button as { callback_data?: string } | undefined)?.callback_data ?? "";
          const update = fake.pushCallbackQuery({
            from: userIds[by],
            chatId: userIds.owner,
            messageId: prompt.messageId,
            data,
          });
          const queryId = update.callback_query?.id;
          const answer = () =>
            fake.calls.find(
              (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === queryId,
            );
          return { notice: () => (answer() ? String(answer()?.params.text ?? "") : undefined) };
        },
      };
    },
    failSends() {
      const sends = () => fake.calls.filter((call) => call.method === "sendMessage").length;
      const before = sends();
      fake.failNext(
        "sendMessage",
        { error_code: 403, description: "Forbidden: bot was blocked by the user" },
        100,
      );
      return { attempts: () => sends() - before, restore: () => fake.clearFailures() };
    },
    close: () => fake.close(),
  };
}

describeChannelContract({
  name: "telegram",
  messageLimit: 4096,
  startPlatform: async () => startTelegramPlatform(),
});
