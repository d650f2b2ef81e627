/**
 * The plugin registry: ids and names follow one grammar, collide nowhere, and the host's surface
 * ids are the host's alone; trust is the registration kind. And the ChannelHost: it stamps the
 * registered id over whatever a channel writes, and drops what is not a message.
 */
import { describe, expect, test } from "bun:test";
import { silentLogger } from "../../src/log.ts";
import type { ApprovalAction, InboundMessage } from "../../src/plugin/channel.ts";
import { createChannelHost } from "../../src/plugin/channel-host.ts";
import { asHostSurface, createPluginRegistry, isHostSurface } from "../../src/plugin/registry.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";

function tool(name: string): Tool {
  return {
    name,
    description: "a test tool",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: {} },
    execute: async () => ({ content: "ok" }),
  };
}

describe("plugin registry", () => {
  test("a plugin channel registers under its id, as a plugin, with its owner id", () => {
    const registry = createPluginRegistry();
    const channel = new MemoryChannel("telegram");
    registry.addChannel(channel, { ownerId: "42" });
    expect(registry.channel("telegram")).toEqual({ id: "telegram", kind: "plugin", channel, ownerId: "42" });
    expect(registry.kindOf("telegram")).toBe("plugin");
    expect(registry.kindOf("nobody")).toBeUndefined();
    expect(registry.channels().map((entry) => entry.id)).toEqual(["telegram"]);
  });

  test("ids outside the grammar are refused", () => {
    const registry = createPluginRegistry();
    for (const id of ["", "Telegram", "1chat", "has space", "a.b", "x".repeat(33), "über"]) {
      expect(() => registry.addChannel(new MemoryChannel(id))).toThrow("is not allowed");
    }
    expect(() => registry.addChannel(new MemoryChannel("x".repeat(32)))).not.toThrow();
    expect(() => registry.addChannel(new MemoryChannel("my_chat-2"))).not.toThrow();
  });

  test("the host's surface ids are reserved for the host", () => {
    const registry = createPluginRegistry();
    for (const id of ["terminal", "api", "routine"]) {
      expect(() => registry.addChannel(new MemoryChannel(id))).toThrow(
        `channel id "${id}" is reserved for the host`,
      );
    }
    registry.addSurface("api");
    registry.addSurface("terminal", new MemoryChannel("terminal"));
    expect(registry.kindOf("api")).toBe("host-surface");
    expect(registry.kindOf("terminal")).toBe("host-surface");
    expect(registry.channels().map((entry) => entry.id)).toEqual(["terminal"]);
    expect(() => registry.addSurface("telegram")).toThrow('"telegram" is not a host surface');
    expect(() => registry.addSurface("routine", new MemoryChannel("terminal"))).toThrow(
      'surface "routine" given channel "terminal"',
    );
  });

  test("an id or a tool name is registered once", () => {
    const registry = createPluginRegistry();
    registry.addChannel(new MemoryChannel("memory"));
    expect(() => registry.addChannel(new MemoryChannel("memory"))).toThrow(
      'channel id "memory" is already registered',
    );
    registry.addSurface("api");
    expect(() => registry.addSurface("api")).toThrow('channel id "api" is already registered');
    registry.addTool(tool("time"), "builtin");
    expect(() => registry.addTool(tool("time"), "host")).toThrow('tool "time" is already registered');
    expect(registry.tools().map((entry) => entry.name)).toEqual(["time"]);
  });

  test("tool names outside the grammar are refused", () => {
    const registry = createPluginRegistry();
    for (const name of ["", "Time", "1tool", "rm -rf", "x".repeat(65)]) {
      expect(() => registry.addTool(tool(name), "installed")).toThrow("is not allowed");
    }
    registry.addTool(tool("routine_update"), "host");
    expect(registry.tools()).toHaveLength(1);
  });

  test("a host surface is recognised by how it was made, not by its shape", () => {
    const channel = new MemoryChannel("terminal");
    expect(isHostSurface(asHostSurface(channel))).toBe(true);
    expect(isHostSurface(channel)).toBe(false);
    const lookAlike = { kind: "host-surface", channel } as unknown as ReturnType<typeof asHostSurface>;
    expect(isHostSurface(lookAlike)).toBe(false);
  });
});

describe("channel host", () => {
  function recordingHost(id: string) {
    const messages: InboundMessage[] = [];
    const actions: ApprovalAction[] = [];
    const host = createChannelHost(
      { id },
      {
        onMessage: async (message) => {
          messages.push(message);
        },
        onAction: async (action) => {
          actions.push(action);
          return { ok: true, notice: "decided" };
        },
      },
      silentLogger,
    );
    return { host, messages, actions };
  }

  test("stamps the registered id over the channel a message or press claims", async () => {
    const { host, messages, actions } = recordingHost("hostile");
    await host.onMessage({ channel: "terminal", chatId: "c", senderId: "s", text: "hi", isDirect: true });
    expect(messages).toEqual([
      {
        channel: "hostile",
        chatId: "c",
        senderId: "s",
        senderName: undefined,
        messageId: undefined,
        text: "hi",
        kind: "text",
        isDirect: true,
      },
    ]);
    const result = await host.onAction({
      channel: "api",
      chatId: "c",
      senderId: "s",
      approvalId: "a1",
      decision: "approve",
    });
    expect(result).toEqual({ ok: true, notice: "decided" });
    expect(actions).toEqual([
      { channel: "hostile", chatId: "c", senderId: "s", approvalId: "a1", decision: "approve" },
    ]);
  });

  test("drops what is not a message and refuses what is not a press", async () => {
    const { host, messages, actions } = recordingHost("memory");
    const notMessages = [
      undefined,
      42,
      { chatId: "c", senderId: "s" },
      { chatId: "", senderId: "s", text: "x" },
      { chatId: "c", senderId: "s", text: "x", messageId: 3 },
    ];
    for (const payload of notMessages) await host.onMessage(payload as never);
    expect(messages).toEqual([]);
    const notPresses = [
      { chatId: "c", senderId: "s", approvalId: "a1", decision: "maybe" },
      { chatId: "c", senderId: "s", decision: "approve" },
      null,
    ];
    for (const payload of notPresses) {
      expect(await host.onAction(payload as never)).toEqual({
        ok: false,
        notice: "That press could not be read.",
      });
    }
    expect(actions).toEqual([]);
  });
});
