/**
 * Host overhead per turn: everything a turn costs except waiting for the LLM — the inbound
 * pipeline, persistence (message, turn, LLM call, reply), prompt assembly and delivery — against a
 * zero-latency in-process LLM, on embedded PGlite in a data folder (or PostgreSQL with BENCH_DATABASE_URL, or
 * TEST_DATABASE_URL as `scripts/with-postgres.sh` sets it). Prints the database round trips of a
 * trivial turn (every statement sent, BEGIN and COMMIT included), p50/p99 for 1 conversation and
 * for 50 concurrent ones, and what a trivial "hi" turn sends to the LLM (bytes and estimated
 * tokens, tool definitions included). Beside the latencies, the CPU time this process spent per
 * turn (user + system, all threads, from process.cpuUsage()): on a shared machine latency inflates
 * while another process holds the core, CPU time much less. PostgreSQL's own CPU is not in it.
 *
 *   bun scripts/bench/turn-overhead.ts
 *   bash scripts/with-postgres.sh bun scripts/bench/turn-overhead.ts
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type DatabaseHandle, wrapPglite, wrapPostgres } from "../../src/db/client.ts";
import { setOwnerIdentity } from "../../src/db/identities.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { pgliteStartParams } from "../../src/db/pglite.ts";
import { createHost } from "../../src/host/host.ts";
import { silentLogger } from "../../src/log.ts";
import type { Channel, ChannelHost } from "../../src/plugin/channel.ts";
import { createBuiltinTools } from "../../tools/index.ts";
import { benchConfig, instantLlm } from "./support.ts";

let lastRequestBytes = 0;
const llm = instantLlm("Hello!", (request) => {
  lastRequestBytes = Buffer.byteLength(
    JSON.stringify({ model: "bench", messages: request.messages, tools: request.tools }),
  );
});

const waiting = new Map<string, () => void>();
let host: ChannelHost | undefined;
const channel: Channel = {
  id: "bench",
  start: async (channelHost) => {
    host = channelHost;
  },
  stop: async () => {},
  send: async (to) => {
    waiting.get(to.chatId)?.();
    return { chatId: to.chatId, messageId: String(Math.random()) };
  },
};

let statements = 0;
const countStatement = () => {
  statements++;
};

/** PGlite runs every statement (BEGIN and COMMIT too) through its exclusive-query lock: count there. */
async function openCountedPglite(): Promise<DatabaseHandle> {
  // A data folder on disk with the assistant's own start parameters, as `ironclaw run` opens it
  // (an in-memory PGlite skips the file system and measured faster than what owners get).
  const folder = mkdtempSync(join(tmpdir(), "ironclaw-turn-bench-"));
  const client = await PGlite.create(folder, { startParams: await pgliteStartParams() });
  const exclusive = client as unknown as { _runExclusiveQuery: <T>(run: () => Promise<T>) => Promise<T> };
  const original = exclusive._runExclusiveQuery.bind(client);
  exclusive._runExclusiveQuery = (run) => {
    countStatement();
    return original(run);
  };
  return wrapPglite(client, folder);
}

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const database = url ? await wrapPostgres(url, "bench", 10, countStatement) : await openCountedPglite();
await migrateDatabase(database);
console.log(`backend: ${database.backend}`);
const config = benchConfig();
await setOwnerIdentity(database.db, { channel: "bench", externalUserId: "owner", source: "config" });
const assistant = await createHost({
  config,
  database,
  log: silentLogger,
  llm,
  llmDescription: "bench",
  noLlmMessage: "",
  tools: createBuiltinTools(),
  channels: [channel],
});
await assistant.start();

let counter = 0;
async function oneTurn(chatId: string): Promise<number> {
  const started = performance.now();
  const answered = new Promise<void>((resolve) => waiting.set(chatId, resolve));
  await host?.onMessage({
    channel: "bench",
    chatId,
    senderId: "owner",
    messageId: `m${counter++}`,
    text: "hi",
    isDirect: true,
  });
  await answered;
  return performance.now() - started;
}

/** Runs `work` and returns its result with this process's CPU milliseconds spent meanwhile. */
async function withCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const spent = process.cpuUsage(before);
  return { result, cpuMs: (spent.user + spent.system) / 1000 };
}

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
  return `p50 ${at(0.5).toFixed(2)} ms  p99 ${at(0.99).toFixed(2)} ms  (n=${sorted.length})`;
}

// Warm-up, then a fresh conversation per measured chat so history stays small and comparable.
for (let index = 0; index < 20; index++) await oneTurn("warmup");
await oneTurn("probe");
/** Statements of one trivial turn in a conversation that already exists; waits for it to settle. */
async function countTurnStatements(chatId: string): Promise<number> {
  await Bun.sleep(100);
  statements = 0;
  await oneTurn(chatId);
  let seen = -1;
  while (seen !== statements) {
    seen = statements;
    await Bun.sleep(100);
  }
  return statements;
}
console.log(`database round trips for a trivial turn: ${await countTurnStatements("probe")}`);
console.log(
  `trivial "hi" turn sends ${lastRequestBytes} bytes to the LLM (~${Math.ceil(lastRequestBytes / 4)} tokens, tool definitions included)`,
);

const solo = await withCpu(async () => {
  const samples: number[] = [];
  for (let index = 0; index < 200; index++) samples.push(await oneTurn(`solo-${index % 20}`));
  return samples;
});
console.log(
  `1 conversation:    ${percentiles(solo.result)}  CPU ${(solo.cpuMs / solo.result.length).toFixed(2)} ms per turn`,
);

const many = await withCpu(async () => {
  const samples: number[] = [];
  for (let round = 0; round < 6; round++) {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => oneTurn(`many-${round}-${index}`)),
    );
    samples.push(...results);
  }
  return samples;
});
console.log(
  `50 conversations:  ${percentiles(many.result)}  CPU ${(many.cpuMs / many.result.length).toFixed(2)} ms per turn  (latency of each turn while 50 run at once)`,
);
await assistant.stop(1000);
await database.close();
