import { describe, expect, test } from "bun:test";
import type { Channel } from "../../src/plugin/channel.ts";
import { createHarness, createRecordingHost, until } from "./terminal-harness.ts";

describe("terminal channel", () => {
  test("each typed line becomes an owner message with a unique id", async () => {
    const { input, channel } = createHarness();
    const { host, received, waitForMessages } = createRecordingHost();
    await channel.start(host);
    input.write("hello there\n/approve abc123\n");
    await waitForMessages(2);
    expect(received).toEqual([
      {
        channel: "terminal",
        chatId: "local",
        senderId: "owner",
        messageId: "1700000000000-1",
        text: "hello there",
        isDirect: true,
      },
      {
        channel: "terminal",
        chatId: "local",
        senderId: "owner",
        messageId: "1700000000000-2",
        text: "/approve abc123",
        isDirect: true,
      },
    ]);
    await channel.stop();
  });

  test("empty and blank lines are ignored", async () => {
    const { input, channel } = createHarness();
    const { host, received, waitForMessages } = createRecordingHost();
    await channel.start(host);
    input.write("\n   \n\t\nreal one\n");
    await waitForMessages(1);
    input.write("\nsecond\n");
    await waitForMessages(2);
    expect(received.map((message) => [message.messageId, message.text])).toEqual([
      ["1700000000000-1", "real one"],
      ["1700000000000-2", "second"],
    ]);
    await channel.stop();
  });

  test("messages reach the host one at a time, in typed order", async () => {
    const { input, channel } = createHarness();
    const events: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstGate = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { host, waitForMessages } = createRecordingHost(async (message) => {
      events.push(`start ${message.text}`);
      if (message.text === "one") await firstGate;
      events.push(`end ${message.text}`);
    });
    await channel.start(host);
    input.write("one\ntwo\n");
    await waitForMessages(1);
    releaseFirst();
    await waitForMessages(2);
    await channel.stop();
    expect(events).toEqual(["start one", "end one", "start two", "end two"]);
  });

  test("shows the prompt on start and again after an empty line", async () => {
    const { input, channel, screen } = createHarness();
    await channel.start(createRecordingHost().host);
    expect(screen()).toBe("you> ");
    input.write("\n");
    await until(() => screen().length > "you> ".length);
    expect(screen()).toBe("you> \nyou> ");
    await channel.stop();
  });

  test("send prints a message and edits stream only the new suffix", async () => {
    const { channel, screen } = createHarness({ prompt: "" });
    await channel.start(createRecordingHost().host);
    const ref = await channel.send({ chatId: "local" }, { text: "Hel" });
    expect(ref.chatId).toBe("local");
    await channel.edit?.(ref, { text: "Hello" });
    await channel.edit?.(ref, { text: "Hello, world" });
    await channel.edit?.(ref, { text: "Hello, world" });
    expect(screen()).toBe("Hello, world");
    await channel.edit?.(ref, { text: "Something else" });
    expect(screen()).toBe("Hello, world\nSomething else");
    await channel.stop();
    expect(screen()).toBe("Hello, world\nSomething else\n");
  });

  test("sent messages get distinct refs, and editing an earlier one reprints it in full", async () => {
    const { channel, screen } = createHarness({ prompt: "" });
    await channel.start(createRecordingHost().host);
    const first = await channel.send({ chatId: "local" }, { text: "Thinking" });
    const second = await channel.send({ chatId: "local" }, { text: "Approve? /approve a1" });
    expect(second.messageId).not.toBe(first.messageId);
    await channel.edit?.(first, { text: "Thinking done" });
    expect(screen()).toBe("Thinking\nApprove? /approve a1\nThinking done");
    await channel.stop();
  });

  test("replies start on their own line and the prompt returns once output is idle", async () => {
    const { input, channel, screen } = createHarness({ idlePromptDelayMs: 0 });
    const { host, waitForMessages } = createRecordingHost();
    await channel.start(host);
    input.write("hi\n");
    await waitForMessages(1);
    const ref = await channel.send({ chatId: "local" }, { text: "Hi" });
    await channel.edit?.(ref, { text: "Hi there!" });
    await until(() => screen().endsWith("\nyou> "));
    expect(screen()).toBe("you> \nHi there!\nyou> ");
    await channel.stop();
  });

  test("a failing host call is shown and later lines still arrive", async () => {
    const { input, channel, screen } = createHarness({ prompt: "" });
    const { host, received, waitForMessages } = createRecordingHost(async (message) => {
      if (message.text === "boom") throw new Error("database is down");
    });
    await channel.start(host);
    input.write("boom\nafter\n");
    await waitForMessages(2);
    await until(() => screen().includes("database is down"));
    expect(screen()).toContain("[error] that message was not handled: database is down");
    expect(received.map((message) => message.text)).toEqual(["boom", "after"]);
    await channel.stop();
  });

  test("health follows the input; stop closes it without calling onClose", async () => {
    let closedByOwner = 0;
    const { input, channel } = createHarness({ onClose: () => closedByOwner++ });
    const { host, received, waitForMessages } = createRecordingHost();
    expect(channel.health?.()).toEqual({ ok: false, detail: "not started" });
    await channel.start(host);
    expect(channel.health?.()).toEqual({ ok: true });
    input.write("before\n");
    await waitForMessages(1);
    await channel.stop();
    expect(channel.health?.()).toEqual({ ok: false, detail: "input closed" });
    input.write("after stop\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(received.map((message) => message.text)).toEqual(["before"]);
    expect(closedByOwner).toBe(0);
  });

  test("end of input (Ctrl-D) closes the channel and calls onClose", async () => {
    let closedByOwner = 0;
    const { input, channel } = createHarness({ onClose: () => closedByOwner++ });
    await channel.start(createRecordingHost().host);
    input.end();
    await until(() => closedByOwner > 0);
    expect(channel.health?.()).toEqual({ ok: false, detail: "input closed" });
    await channel.stop();
    expect(closedByOwner).toBe(1);
  });

  test("asks for approvals itself (single keys), so the host sends no text fallback", () => {
    const channel: Channel = createHarness().channel;
    expect(channel.id).toBe("terminal");
    expect(channel.askApproval).toBeDefined();
    expect(channel.settleApproval).toBeDefined();
    expect(channel.edit).toBeDefined();
  });
});
