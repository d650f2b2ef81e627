/**
 * Scheduling precision: how long after its scheduled second a routine's run starts, on the real
 * scheduler with its real timers, on embedded PGlite (or PostgreSQL with BENCH_DATABASE_URL).
 * A routine fires every second; for each run it prints nothing, and at the end the median and
 * maximum of (a) the claim (the run row's start) and (b) the moment its turn reaches the LLM,
 * both measured from the scheduled second. BENCH_RUNS sets how many runs (default 30).
 *
 *   bun scripts/bench/schedule.ts
 */

import { getRoutineByName, listRuns } from "../../src/db/routines.ts";
import { createHost } from "../../src/host/host.ts";
import { silentLogger } from "../../src/log.ts";
import { createRoutineRow } from "../../src/scheduler/store.ts";
import { benchConfig, instantLlm, openBenchDatabase } from "./support.ts";

const runs = Number(process.env.BENCH_RUNS ?? 30);
const llmDelays: number[] = [];

const llm = instantLlm("ROUTINE_OK", (request) => {
  const header = request.messages.at(-1)?.content ?? "";
  const scheduled = /scheduled for .*?(\d{2}):(\d{2}):(\d{2})/.exec(header);
  if (!scheduled) return;
  const now = new Date();
  const slot = new Date(now);
  slot.setUTCHours(Number(scheduled[1]), Number(scheduled[2]), Number(scheduled[3]), 0);
  llmDelays.push(now.getTime() - slot.getTime());
});

const database = await openBenchDatabase();
const config = benchConfig({ TZ: "UTC", HEARTBEAT_ENABLED: "false" });
const host = await createHost({
  config,
  database,
  log: silentLogger,
  llm,
  llmDescription: "bench",
  noLlmMessage: "",
  tools: [],
  channels: [],
});
await host.start();
// The header carries seconds only when the schedule has them; a 6-field schedule every second.
await createRoutineRow(database.db, host.scheduler, {
  name: "bench",
  schedule: "* * * * * *",
  prompt: "Say ROUTINE_OK.",
  notify: "failure",
});
const routine = await getRoutineByName(database.db, "bench");
while (llmDelays.length < runs + 2) await Bun.sleep(100);
await host.stop(1000);

const rows = (await listRuns(database.db, routine?.id ?? "", runs + 10))
  .filter((run) => run.startedAt && run.trigger === "schedule")
  .slice(0, runs);
const claimDelays = rows.map((run) => (run.startedAt as Date).getTime() - run.scheduledFor.getTime());
await database.close();

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${median} ms  max ${sorted.at(-1) ?? 0} ms  (n=${sorted.length})`;
}
console.log(`backend: ${process.env.BENCH_DATABASE_URL ? "postgres" : "pglite"}`);
console.log(`slot → run claimed:     ${summary(claimDelays)}`);
console.log(`slot → turn at the LLM: ${summary(llmDelays.slice(2, runs + 2))}`);
