/**
 * Approvals in the terminal channel: one key decides (a / A / d), without Enter on a TTY; a line
 * holding just the key answers from a pipe; several approvals are asked one at a time.
 */
import { describe, expect, test } from "bun:test";
import type { ApprovalDecision, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { createHarness, createRecordingHost, until } from "./terminal-harness.ts";

function approval(id: string, options: Partial<ApprovalPrompt> = {}): ApprovalPrompt {
  return {
    approvalId: id,
    tool: "deploy",
    summary: "target=prod",
    allowAlways: true,
    expiresAt: new Date(Date.now() + 60_000),
    ...options,
  };
}

const local = { chatId: "local" };

describe("terminal approvals on a TTY", () => {
  for (const [key, decision] of [
    ["a", "approve"],
    ["A", "always"],
    ["d", "deny"],
  ] as [string, ApprovalDecision][]) {
    test(`pressing '${key}' (no Enter) decides: ${decision}`, async () => {
      const { input, channel, screen } = createHarness({}, { tty: true });
      const { host, actions, received, waitForMessages } = createRecordingHost();
      await channel.start(host);
      await channel.askApproval?.(local, approval("ap1"));
      expect(screen()).toContain("Approval needed: deploy\ntarget=prod");
      expect(screen()).toContain("Approve? [a] yes  [A] always  [d] no > ");
      expect((input as { isRaw?: boolean }).isRaw).toBe(true);
      input.write(key);
      await until(() => actions.length > 0);
      expect(actions).toEqual([
        { channel: "terminal", chatId: "local", senderId: "owner", approvalId: "ap1", decision },
      ]);
      // The key was the answer, not the start of the next message.
      input.write("hello\r");
      await waitForMessages(1);
      expect(received.map((message) => message.text)).toEqual(["hello"]);
      await channel.stop();
    });
  }

  test("other keys, and 'A' where Always is not offered, do nothing", async () => {
    const { input, channel, screen } = createHarness({}, { tty: true });
    const { host, actions } = createRecordingHost();
    await channel.start(host);
    await channel.askApproval?.(local, approval("ap1", { allowAlways: false }));
    expect(screen()).toContain("Approve? [a] yes  [d] no > ");
    input.write("xA\r ");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(actions).toEqual([]);
    input.write("d");
    await until(() => actions.length > 0);
    expect(actions.map((action) => action.decision)).toEqual(["deny"]);
    await channel.stop();
  });

  test("the outcome is shown when the host settles the prompt", async () => {
    const { input, channel, screen } = createHarness({ prompt: "" }, { tty: true });
    const { host, actions } = createRecordingHost();
    await channel.start(host);
    const ref = await channel.askApproval?.(local, approval("ap1"));
    input.write("a");
    await until(() => actions.length > 0);
    await channel.settleApproval?.(ref as { chatId: string; messageId: string }, "approved", approval("ap1"));
    expect(screen()).toContain("> a\nApproved: deploy");
    await channel.stop();
  });

  test("two approvals are asked one at a time, oldest first", async () => {
    const { input, channel, screen } = createHarness({ prompt: "" }, { tty: true });
    const { host, actions } = createRecordingHost();
    await channel.start(host);
    await channel.askApproval?.(local, approval("first", { tool: "deploy" }));
    await channel.askApproval?.(local, approval("second", { tool: "restart" }));
    expect(screen()).not.toContain("restart");
    input.write("a");
    await until(() => screen().includes("Approval needed: restart"));
    input.write("d");
    await until(() => actions.length === 2);
    expect(actions.map((action) => [action.approvalId, action.decision])).toEqual([
      ["first", "approve"],
      ["second", "deny"],
    ]);
    await channel.stop();
  });

  test("an approval settled elsewhere (expired) leaves the queue; keys type again", async () => {
    const { input, channel, screen } = createHarness({}, { tty: true });
    const { host, actions, received, waitForMessages } = createRecordingHost();
    await channel.start(host);
    const ref = await channel.askApproval?.(local, approval("ap1"));
    await channel.settleApproval?.(ref as { chatId: string; messageId: string }, "expired", approval("ap1"));
    expect(screen()).toContain("Expired (not run): deploy");
    input.write("a b\r");
    await waitForMessages(1);
    expect(received.map((message) => message.text)).toEqual(["a b"]);
    expect(actions).toEqual([]);
    await channel.stop();
  });

  test("a refused decision shows why; one the host failed to record can be pressed again", async () => {
    let calls = 0;
    const { input, channel, screen } = createHarness({ prompt: "" }, { tty: true });
    const { host, actions } = createRecordingHost(undefined, async () => {
      calls += 1;
      if (calls === 1) throw new Error("database is down");
      return { ok: false, notice: "The approval for deploy has expired; it was not run." };
    });
    await channel.start(host);
    await channel.askApproval?.(local, approval("ap1"));
    input.write("a");
    await until(() => screen().includes("the decision was not recorded"));
    input.write("a");
    await until(() => screen().includes("has expired; it was not run."));
    expect(actions).toHaveLength(2);
    await channel.stop();
  });

  test("Ctrl-C while an approval waits still interrupts", async () => {
    let interrupted = 0;
    const { input, channel } = createHarness({ onInterrupt: () => interrupted++ }, { tty: true });
    await channel.start(createRecordingHost().host);
    await channel.askApproval?.(local, approval("ap1"));
    input.write("\x03");
    await until(() => interrupted > 0);
    expect(interrupted).toBe(1);
    await channel.stop();
  });
});

describe("terminal approvals from a pipe", () => {
  test("a line holding just the key answers; other lines stay messages", async () => {
    const { input, channel, screen } = createHarness({ prompt: "" });
    const { host, actions, received, waitForMessages } = createRecordingHost();
    await channel.start(host);
    await channel.askApproval?.(local, approval("ap1"));
    expect(screen()).toBe("Approval needed: deploy\ntarget=prod\nApprove? [a] yes  [A] always  [d] no > ");
    input.write("and one more thing\nA\n");
    await waitForMessages(1);
    await until(() => actions.length > 0);
    expect(received.map((message) => message.text)).toEqual(["and one more thing"]);
    expect(actions.map((action) => action.decision)).toEqual(["always"]);
    await channel.stop();
  });
});
