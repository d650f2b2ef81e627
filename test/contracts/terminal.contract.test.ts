/**
 * The terminal runs the channel contract: the real terminal channel reading typed lines from a
 * pipe and printing to a screen. It has one person, the owner by construction, and no platform
 * behind it, so the cases about strangers, redelivery and platform errors do not apply.
 */
import { PassThrough } from "node:stream";
import { createTerminalChannel } from "../../channels/terminal/index.ts";
import type { ApprovalDecision } from "../../src/plugin/channel.ts";
import { asHostSurface } from "../../src/plugin/registry.ts";
import { describeChannelContract } from "./channel-contract.ts";
import type { ContractPlatform } from "./channel-descriptor.ts";

const keys: Record<ApprovalDecision, string> = { approve: "a", always: "A", deny: "d" };
const settledLine = /^(Approved|Always allowed|Denied|Expired)/m;

function notExpressible(what: string): never {
  throw new Error(`the terminal cannot express ${what}`);
}

function startTerminalPlatform(): ContractPlatform {
  let input = new PassThrough();
  let printed = "";
  const screen = () => printed;
  return {
    createChannel() {
      input = new PassThrough();
      const output = new PassThrough();
      output.setEncoding("utf8");
      output.on("data", (chunk: string) => {
        printed += chunk;
      });
      return asHostSurface(
        createTerminalChannel({ input, output, prompt: "", onClose: () => {}, onInterrupt: () => {} }),
      );
    },
    host: {},
    async sendDm(from, text) {
      if (from !== "owner") notExpressible("a second person");
      input.write(`${text}\n`);
    },
    redeliver: async () => notExpressible("a redelivered line"),
    chat: (person) =>
      person === "owner"
        ? screen()
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line !== "")
            .map((line) => ({ text: line, size: line.length }))
        : [],
    findPrompt() {
      const start = screen().indexOf("Approval needed:");
      if (start < 0) return undefined;
      const text = () => screen().slice(start);
      return {
        text,
        isOpen: () => !settledLine.test(text()),
        async press(decision: ApprovalDecision, by) {
          if (by !== "owner") notExpressible("a second person");
          // From a pipe, a line holding just the key answers the open approval.
          input.write(`${keys[decision]}\n`);
          return { notice: () => undefined };
        },
      };
    },
    failSends: () => notExpressible("a platform error"),
    close: async () => {},
  };
}

describeChannelContract({
  name: "terminal",
  skip: {
    "stranger-ignored": "the terminal has one person, the owner by construction",
    "foreign-press": "the terminal has one person, the owner by construction",
    "duplicate-delivery": "a typed line arrives once; there is no platform to redeliver it",
    "platform-error": "a local stream has no platform error to inject",
    "stale-press":
      "a decided prompt leaves the approval desk, so its key types a message instead of pressing anything",
    restart:
      "a restarted terminal does not show the pending prompt again, so no key can answer it (the owner types /approve <id>)",
  },
  startPlatform: async () => startTerminalPlatform(),
});
