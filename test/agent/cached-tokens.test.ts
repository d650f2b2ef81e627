/**
 * Prompt-cache tokens, as the real APIs report them (OpenAI inside `prompt_tokens` with
 * `prompt_tokens_details.cached_tokens`; Anthropic beside `input_tokens` as
 * `cache_read_input_tokens` / `cache_creation_input_tokens`), are stored with each LLM call with
 * the same meaning, and add up per day and per turn.
 */
import { afterEach, expect, test } from "bun:test";
import { describeTokens } from "../../src/cli/usage.ts";
import { usageOfTurns, usagePerDay } from "../../src/db/llm-usage.ts";
import { llmCalls } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

forEachBackend("cached tokens", ({ database }) => {
  for (const provider of ["openai", "anthropic"] as const) {
    test(`${provider}: cache reads and writes are stored with the call; input counts every prompt token`, async () => {
      const handle = await database();
      const harness = await startHostHarness(handle, { provider });
      open.push(harness);
      harness.llmServer.enqueue(
        { text: "first", usage: { inputTokens: 1500, outputTokens: 10, cacheWriteTokens: 1200 } },
        { text: "second", usage: { inputTokens: 1600, outputTokens: 12, cacheReadTokens: 1200 } },
      );
      await harness.channel.deliver("hello");
      await harness.host.queue.drain();
      await harness.channel.deliver("again");
      await harness.host.queue.drain();
      expect(harness.channel.texts()).toEqual(["first", "second"]);

      const rows = await handle.db.select().from(llmCalls).orderBy(llmCalls.createdAt);
      // OpenAI reports no cache writes; its cached reads are part of prompt_tokens.
      const written = provider === "anthropic" ? 1200 : 0;
      expect(rows.map((row) => [row.inputTokens, row.cacheReadTokens, row.cacheWriteTokens])).toEqual([
        [1500, 0, written],
        [1600, 1200, 0],
      ]);

      const [day] = await usagePerDay(handle.db, {
        since: new Date(Date.now() - 86_400_000),
        timezone: "UTC",
      });
      expect(day).toMatchObject({
        calls: 2,
        inputTokens: 3100,
        outputTokens: 22,
        cacheReadTokens: 1200,
        cacheWriteTokens: written,
      });
      expect(day?.day).toBe(new Date().toISOString().slice(0, 10));
      const perTurn = await usageOfTurns(
        handle.db,
        rows.map((row) => row.turnId),
      );
      expect([...perTurn.values()].map((tokens) => tokens.cacheReadTokens).sort()).toEqual([0, 1200]);
    });
  }

  test("the usage line names cached reads and cache writes only when there are some", () => {
    const plain = { inputTokens: 10, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(describeTokens(plain)).toBe("10 in + 2 out");
    expect(
      describeTokens({ ...plain, inputTokens: 1600, cacheReadTokens: 1200, cacheWriteTokens: 300 }),
    ).toBe("1600 in (1200 cached, 300 cache write) + 2 out");
  });
});
