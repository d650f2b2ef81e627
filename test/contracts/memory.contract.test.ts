/**
 * The in-memory channel (test/fakes/memory-channel.ts) runs the channel contract: the reference
 * for what the host promises any channel, with no platform in between.
 */
import type { ApprovalDecision } from "../../src/plugin/channel.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { describeChannelContract } from "./channel-contract.ts";
import type { ContractPlatform, Person } from "./channel-descriptor.ts";

const people: Record<Person, { senderId: string; chatId: string }> = {
  owner: { senderId: "owner-1", chatId: "chat-1" },
  stranger: { senderId: "stranger-1", chatId: "chat-2" },
};

interface Delivered {
  from: Person;
  text: string;
  messageId: string;
}

function startMemoryPlatform(): ContractPlatform {
  // One instance across restarts: what it "sent" is the platform's chat history.
  const channel = new MemoryChannel();
  let delivered = 0;
  const deliver = (message: Delivered) =>
    channel.deliver(message.text, { ...people[message.from], messageId: message.messageId });
  return {
    createChannel: () => channel,
    host: { owner: true },
    async sendDm(from, text) {
      const message: Delivered = { from, text, messageId: `memory-${++delivered}` };
      await deliver(message);
      return message;
    },
    redeliver: (message) => deliver(message as Delivered),
    chat: (person) =>
      channel.sent
        .filter((entry) => entry.chatId === people[person].chatId)
        .map((entry) => ({ text: entry.text, size: entry.text.length })),
    findPrompt() {
      const entry = channel.sent.find((candidate) => candidate.prompt !== undefined);
      if (!entry?.prompt) return undefined;
      const approvalId = entry.prompt.approvalId;
      return {
        text: () => (entry.outcome ? `${entry.text} (${entry.outcome})` : entry.text),
        isOpen: () => entry.outcome === undefined,
        async press(decision: ApprovalDecision, by: Person) {
          const result = await channel.press(approvalId, decision, people[by].senderId);
          return { notice: () => result.notice };
        },
      };
    },
    failSends() {
      const before = channel.failedSends;
      channel.failSendsWith = new Error("the platform refused the message");
      return {
        attempts: () => channel.failedSends - before,
        restore: () => {
          channel.failSendsWith = undefined;
        },
      };
    },
    close: async () => {},
  };
}

describeChannelContract({
  name: "memory",
  startPlatform: async () => startMemoryPlatform(),
});
