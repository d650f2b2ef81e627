/**
 * The shared multipart messenger against an in-memory platform that records every call: sends
 * split into parts, edits touch only what changed, blank text never reaches the platform, and
 * the bookkeeping stays bounded however many messages are sent.
 */
import { describe, expect, test } from "bun:test";
import { BoundedMap } from "../../../channels/shared/bounded-map.ts";
import {
  BlankMessageError,
  createMultipartMessenger,
  type MessagePlatform,
} from "../../../channels/shared/multipart-messenger.ts";
import { createLogger } from "../../../src/log.ts";

/** Parts are paragraphs; ids count up per platform. */
function createMemoryPlatform(options: { failDelete?: boolean } = {}) {
  const calls: string[] = [];
  const shown = new Map<string, string>();
  let next = 1;
  const platform: MessagePlatform<string> = {
    split: (markdown) => markdown.split("\n\n").filter((part) => part.trim() !== ""),
    contentOf: (part) => part,
    async post(chatId, part) {
      const id = String(next++);
      calls.push(`post ${chatId} ${id} ${part}`);
      shown.set(id, part);
      return id;
    },
    async update(chatId, messageId, part) {
      calls.push(`update ${chatId} ${messageId} ${part}`);
      shown.set(messageId, part);
    },
    async remove(chatId, messageId) {
      calls.push(`remove ${chatId} ${messageId}`);
      if (options.failDelete) throw new Error("message to delete not found");
      shown.delete(messageId);
    },
  };
  return { platform, calls, shown };
}

function createCapturingLog() {
  const lines: string[] = [];
  return { log: createLogger({ write: (line) => lines.push(line), format: "json" }), lines };
}

describe("multipart messenger", () => {
  test("a send posts every part and returns the first part's id", async () => {
    const { platform, calls } = createMemoryPlatform();
    const messenger = createMultipartMessenger(platform, createCapturingLog());
    expect(await messenger.send("c1", "one\n\ntwo\n\nthree")).toEqual({ chatId: "c1", messageId: "1" });
    expect(calls).toEqual(["post c1 1 one", "post c1 2 two", "post c1 3 three"]);
  });

  test("an edit updates changed parts, appends new ones and deletes the ones no longer needed", async () => {
    const { platform, calls, shown } = createMemoryPlatform();
    const messenger = createMultipartMessenger(platform, createCapturingLog());
    const ref = await messenger.send("c1", "one\n\ntwo");
    calls.length = 0;
    await messenger.edit(ref, "one\n\nTWO\n\nthree");
    expect(calls).toEqual(["update c1 2 TWO", "post c1 3 three"]);
    calls.length = 0;
    await messenger.edit(ref, "ONE");
    expect(calls).toEqual(["update c1 1 ONE", "remove c1 2", "remove c1 3"]);
    expect([...shown.values()]).toEqual(["ONE"]);
    calls.length = 0;
    await messenger.edit(ref, "ONE"); // nothing changed: the platform is not called
    expect(calls).toEqual([]);
  });

  test("a part that cannot be deleted is logged and the edit still succeeds", async () => {
    const { platform } = createMemoryPlatform({ failDelete: true });
    const { log, lines } = createCapturingLog();
    const messenger = createMultipartMessenger(platform, { log });
    const ref = await messenger.send("c1", "one\n\ntwo");
    await messenger.edit(ref, "one");
    expect(lines.some((line) => line.includes("could not delete a message part"))).toBe(true);
  });

  test("an edit of a message it does not know edits that one message", async () => {
    const { platform, calls } = createMemoryPlatform();
    const messenger = createMultipartMessenger(platform, createCapturingLog());
    await messenger.edit({ chatId: "c1", messageId: "77" }, "new\n\nlonger");
    expect(calls).toEqual(["update c1 77 new", "post c1 1 longer"]);
  });

  test("blank text is refused before the platform is called, for sends and edits", async () => {
    const { platform, calls } = createMemoryPlatform();
    const messenger = createMultipartMessenger(platform, createCapturingLog());
    for (const blank of ["", "   ", "\n\n \t\n"]) {
      await expect(messenger.send("c1", blank)).rejects.toBeInstanceOf(BlankMessageError);
    }
    const ref = await messenger.send("c1", "shown");
    calls.length = 0;
    await expect(messenger.edit(ref, "  ")).rejects.toBeInstanceOf(BlankMessageError);
    expect(calls).toEqual([]);
  });

  test("text that splits into nothing counts as blank", async () => {
    const { platform, calls } = createMemoryPlatform();
    const messenger = createMultipartMessenger({ ...platform, split: () => [] }, createCapturingLog());
    await expect(messenger.send("c1", "something")).rejects.toBeInstanceOf(BlankMessageError);
    expect(calls).toEqual([]);
  });

  test("the bookkeeping is bounded: the oldest messages are forgotten", async () => {
    const { platform } = createMemoryPlatform();
    const messenger = createMultipartMessenger(platform, { ...createCapturingLog(), remembered: 3 });
    for (let index = 0; index < 10; index++) await messenger.send("c1", `message ${index}\n\nsecond part`);
    expect(messenger.rememberedMessages).toBe(3);
  });
});

describe("bounded map", () => {
  test("drops the least recently used entry past its capacity", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("c", 3);
    expect(map.get("b")).toBeUndefined();
    expect(map.get("a")).toBe(1);
    expect(map.get("c")).toBe(3);
    expect(map.size).toBe(2);
  });

  test("refuses a capacity that is not a positive integer", () => {
    for (const capacity of [0, -1, 1.5, Number.NaN])
      expect(() => new BoundedMap(capacity)).toThrow(RangeError);
  });
});
