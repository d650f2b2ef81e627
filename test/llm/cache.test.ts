import { describe, expect, test } from "bun:test";
import { withResponseCache } from "../../src/llm/cache.ts";
import type { ChatRequest } from "../../src/llm/types.ts";
import { createScriptedClient, llmError } from "../fakes/llm/scripted-client.ts";

function ask(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: "user", content }], ...extra };
}

function setup(options: { maxEntries?: number } = {}) {
  let time = 0;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  const inner = createScriptedClient("openai:m");
  const cache = withResponseCache(inner, { now: clock.now, ...options });
  return { clock, inner, cache };
}

describe("response cache", () => {
  test("a repeated request is a hit: no second call, marked cached", async () => {
    const { inner, cache } = setup();
    inner.push({ text: "answer" });
    const first = await cache.chat(ask("q"));
    const second = await cache.chat(ask("q"));
    expect(first.cached).toBeUndefined();
    expect(second).toMatchObject({ text: "answer", cached: true });
    expect(inner.calls).toHaveLength(1);
  });

  test("messages, max tokens, temperature and stop sequences are all part of the key", async () => {
    const { inner, cache } = setup();
    const variants = [
      ask("q"),
      ask("other"),
      ask("q", { maxTokens: 10 }),
      ask("q", { temperature: 0.5 }),
      ask("q", { stop: ["X"] }),
    ];
    for (const variant of variants) inner.push({ text: JSON.stringify(variant) });
    for (const variant of variants) expect((await cache.chat(variant)).cached).toBeUndefined();
    expect(inner.calls).toHaveLength(5);
    expect(cache.size).toBe(5);
  });

  test("entries expire after an hour", async () => {
    const { clock, inner, cache } = setup();
    inner.push({ text: "old" }, { text: "new" });
    await cache.chat(ask("q"));
    clock.advance(60 * 60 * 1000 - 1);
    expect((await cache.chat(ask("q"))).text).toBe("old");
    clock.advance(1);
    const fresh = await cache.chat(ask("q"));
    expect(fresh).toMatchObject({ text: "new" });
    expect(fresh.cached).toBeUndefined();
  });

  test("expired entries are pruned when another is inserted", async () => {
    const { clock, inner, cache } = setup();
    inner.push({ text: "a" }, { text: "b" });
    await cache.chat(ask("a"));
    clock.advance(60 * 60 * 1000);
    await cache.chat(ask("b"));
    expect(cache.size).toBe(1);
  });

  test("the least recently used entry is evicted when full", async () => {
    const { inner, cache } = setup({ maxEntries: 2 });
    inner.push({ text: "A" }, { text: "B" }, { text: "C" }, { text: "B again" });
    await cache.chat(ask("a"));
    await cache.chat(ask("b"));
    expect((await cache.chat(ask("a"))).cached).toBe(true); // a is now the most recent
    await cache.chat(ask("c")); // evicts b
    expect(cache.size).toBe(2);
    expect((await cache.chat(ask("a"))).cached).toBe(true);
    expect(await cache.chat(ask("b"))).toMatchObject({ text: "B again" });
    expect(inner.calls).toHaveLength(4);
  });

  test("requests that offer tools are never cached", async () => {
    const { inner, cache } = setup();
    const tools = [{ name: "clock", description: "time", parameters: { type: "object" } }];
    inner.push({ text: "one" }, { text: "two" });
    expect((await cache.chat(ask("q", { tools }))).text).toBe("one");
    expect((await cache.chat(ask("q", { tools }))).text).toBe("two");
    expect(cache.size).toBe(0);
  });

  test("a streaming hit delivers the whole text in one delta", async () => {
    const { inner, cache } = setup();
    inner.push({ text: "cached text", deltas: ["cached ", "text"] });
    await cache.chat(ask("q", { onTextDelta: () => {} }));
    const deltas: string[] = [];
    const hit = await cache.chat(ask("q", { onTextDelta: (text) => deltas.push(text) }));
    expect(hit.cached).toBe(true);
    expect(deltas).toEqual(["cached text"]);
  });

  test("errors are not cached", async () => {
    const { inner, cache } = setup();
    inner.push(llmError("llm_timeout"), { text: "second try" });
    await expect(cache.chat(ask("q"))).rejects.toMatchObject({ code: "llm_timeout" });
    expect((await cache.chat(ask("q"))).text).toBe("second try");
  });
});
