/**
 * `ironclaw usage` (tokens and prompt-cache tokens per day) and the cached tokens in
 * `ironclaw routines history`, run as the real CLI against an embedded database that holds
 * LLM calls recorded the way the assistant records them.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { recordLlmCalls } from "../../src/db/llm-calls.ts";
import { openDatabase } from "../../src/db/open.ts";
import { routineRuns } from "../../src/db/schema/index.ts";
import { createTurn } from "../../src/db/turns.ts";
import { silentLogger } from "../../src/log.ts";
import { createRoutineRow } from "../../src/scheduler/store.ts";
import { childEnv, runCli, temporaryHome } from "../support/cli.ts";

test("usage prints tokens and cached tokens per day; routine history shows a run's cached tokens", async () => {
  const home = temporaryHome();
  const env = childEnv({ IRONCLAW_HOME: home, HEARTBEAT_ENABLED: "false" });
  const config = loadConfig({ env, file: { path: join(home, "ironclaw.toml"), values: {}, warnings: [] } });

  const empty = await runCli(["usage"], env);
  expect(empty.exitCode).toBe(0);
  expect(empty.stdout).toContain("No LLM calls in the last 30 days.");

  const database = await openDatabase(config, silentLogger);
  const clock = { now: () => new Date(), timezone: "UTC", poke: () => {} };
  const routine = await createRoutineRow(database.db, clock, {
    name: "digest",
    schedule: "0 9 * * *",
    prompt: "Summarize the news.",
  });
  const conversation = await getOrCreateConversation(database.db, "routine", routine.id);
  const turn = await createTurn(database.db, { conversationId: conversation.id });
  const call = { turnId: turn.id, provider: "openai", model: "gpt-test", latencyMs: 5 };
  await recordLlmCalls(database.db, turn.id, [
    { ...call, inputTokens: 1500, outputTokens: 10, cacheWriteTokens: 1200 },
    { ...call, inputTokens: 1600, outputTokens: 12, cacheReadTokens: 1200 },
    { ...call, inputTokens: 0, outputTokens: 0, error: "the provider failed" },
  ]);
  await database.db.insert(routineRuns).values({
    routineId: routine.id,
    scheduledFor: new Date(),
    trigger: "manual",
    status: "ok",
    inputTokens: 3100,
    outputTokens: 22,
    turnId: turn.id,
  });
  await database.close();

  const usage = await runCli(["usage", "--days", "7"], env);
  expect(usage.exitCode).toBe(0);
  const today = new Date().toISOString().slice(0, 10);
  expect(usage.stdout).toContain(`${today}      2 calls  3100 in (1200 cached, 1200 cache write) + 22 out`);
  expect(usage.stdout).toContain("total           2 calls");

  const history = await runCli(["routines", "history", "digest"], env);
  expect(history.stdout).toContain("3100+22 tokens (1200 cached)");

  expect((await runCli(["usage", "--days", "zero"], env)).exitCode).toBe(2);
}, 90_000);
