/**
 * Start-up benchmark: time from process start to ready (database migrated, GET /readyz answering
 * 200), on embedded PGlite with an existing data folder and — when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set — on PostgreSQL. Prints the median (and min/max) of several runs, and
 * the CPU time the child had used by then (user + system, from /proc/<pid>/stat): wall time
 * inflates on a shared machine, CPU time much less, so it is the figure to compare changes by.
 * CPU time counts every thread (JSC compiles and collects on background threads), so it can
 * exceed the wall time. Then the median of each start-up phase (wall / CPU), from the assistant's
 * own debug line "start-up timings" (src/startup-phases.ts).
 *
 *   bun scripts/bench/startup.ts [runs=7]
 *   bash scripts/with-postgres.sh bun scripts/bench/startup.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 7);
const mainScript = join(import.meta.dir, "..", "..", "src", "main.ts");

interface StartSample {
  readyMs: number;
  cpuMs: number;
  rssMb: number;
  /** Phase name → [wall ms, CPU ms], as the assistant logged them. */
  phases: Map<string, [number, number]>;
}

function parsePhases(output: string): Map<string, [number, number]> {
  const phases = new Map<string, [number, number]>();
  const line = /start-up timings .*phases=(.*)/.exec(output)?.[1] ?? "";
  for (const match of line.matchAll(/([a-z-]+) (\d+)ms\/(\d+)ms cpu/g)) {
    phases.set(match[1] as string, [Number(match[2]), Number(match[3])]);
  }
  return phases;
}

const clockTicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux for /proc/<pid>/stat

/** User + system CPU time of a process so far, all threads. */
async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  // Fields after the command name (which may contain spaces) start at ") "; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

async function timeOneStart(env: Record<string, string>): Promise<StartSample> {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, mainScript, "run"], {
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let output = "";
  const decoder = new TextDecoder();
  let url: string | undefined;
  for await (const chunk of child.stderr) {
    output += decoder.decode(chunk, { stream: true });
    url = /gateway=(http:\/\/\S+)/.exec(output)?.[1];
    if (url) break;
  }
  if (!url) throw new Error(`the assistant did not start:\n${output}`);
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.status === 200) break;
    await Bun.sleep(5);
  }
  const readyMs = performance.now() - started;
  const cpuMs = await cpuTimeMs(child.pid);
  const rssKb = Number(
    (await Bun.file(`/proc/${child.pid}/status`).text()).match(/VmRSS:\s+(\d+)/)?.[1] ?? 0,
  );
  child.kill("SIGTERM");
  await child.exited;
  return { readyMs, cpuMs, rssMb: rssKb / 1024, phases: parsePhases(output) };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

function summarize(label: string, samples: StartSample[]): void {
  const times = samples.map((sample) => sample.readyMs).sort((a, b) => a - b);
  const cpu = median(samples.map((sample) => sample.cpuMs));
  const rss = median(samples.map((sample) => sample.rssMb));
  console.log(
    `${label.padEnd(28)} median ${median(times).toFixed(0)} ms  (min ${times[0]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms, n=${times.length})  CPU ${cpu.toFixed(0)} ms  RSS at ready ~${rss.toFixed(0)} MB`,
  );
  const names = [...(samples[0]?.phases.keys() ?? [])];
  const phaseMedian = (name: string, index: 0 | 1) =>
    median(samples.map((sample) => sample.phases.get(name)?.[index] ?? 0)).toFixed(0);
  console.log(
    `${"".padEnd(28)} phases (wall/CPU ms): ${names.map((name) => `${name} ${phaseMedian(name, 0)}/${phaseMedian(name, 1)}`).join(", ")}`,
  );
}

const baseEnv = {
  PATH: process.env.PATH ?? "",
  HOME: tmpdir(),
  GATEWAY_PORT: "0",
  LOG_LEVEL: "debug", // for the "start-up timings" line
  TZ: "UTC",
  // An LLM configured as most owners have one (nothing is sent at start-up); without any, start-up
  // would spend its time looking for a local Ollama.
  OPENAI_API_KEY: "sk-bench-not-used",
  OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
};

const home = mkdtempSync(join(tmpdir(), "ironclaw-bench-"));
const pgliteEnv = { ...baseEnv, IRONCLAW_HOME: home };
const first = await timeOneStart(pgliteEnv);
console.log(
  `PGlite first start (creates the data folder): ${first.readyMs.toFixed(0)} ms  (CPU ${first.cpuMs.toFixed(0)} ms, not counting the initdb child)`,
);
const pgliteSamples = [];
for (let run = 0; run < runs; run++) pgliteSamples.push(await timeOneStart(pgliteEnv));
summarize("PGlite, existing folder", pgliteSamples);

const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (postgresUrl) {
  const env = {
    ...baseEnv,
    IRONCLAW_HOME: mkdtempSync(join(tmpdir(), "ironclaw-bench-")),
    DATABASE_URL: postgresUrl,
  };
  await timeOneStart(env); // migrates
  const samples = [];
  for (let run = 0; run < runs; run++) samples.push(await timeOneStart(env));
  summarize("PostgreSQL", samples);
} else {
  console.log("PostgreSQL: skipped (set BENCH_DATABASE_URL, or run under scripts/with-postgres.sh)");
}
