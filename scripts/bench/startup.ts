/**
 * Start-up benchmark: time from process start to ready (database migrated, GET /readyz answering
 * 200), on embedded PGlite with an existing data folder and — when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set — on PostgreSQL. Prints the median (and min/max) of several runs.
 *
 *   bun scripts/bench/startup.ts [runs=7]
 *   bash scripts/with-postgres.sh bun scripts/bench/startup.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.argv[2] ?? 7);
const mainScript = join(import.meta.dir, "..", "..", "src", "main.ts");

async function timeOneStart(env: Record<string, string>): Promise<{ readyMs: number; rssMb: number }> {
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
  const rssKb = Number(
    (await Bun.file(`/proc/${child.pid}/status`).text()).match(/VmRSS:\s+(\d+)/)?.[1] ?? 0,
  );
  child.kill("SIGTERM");
  await child.exited;
  return { readyMs, rssMb: rssKb / 1024 };
}

function summarize(label: string, samples: { readyMs: number; rssMb: number }[]): void {
  const times = samples.map((sample) => sample.readyMs).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const rss =
    samples.map((sample) => sample.rssMb).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
  console.log(
    `${label.padEnd(28)} median ${median.toFixed(0)} ms  (min ${times[0]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms, n=${times.length})  RSS at ready ~${rss.toFixed(0)} MB`,
  );
}

const baseEnv = {
  PATH: process.env.PATH ?? "",
  HOME: tmpdir(),
  GATEWAY_PORT: "0",
  LOG_LEVEL: "info",
  TZ: "UTC",
};

const home = mkdtempSync(join(tmpdir(), "ironclaw-bench-"));
const pgliteEnv = { ...baseEnv, IRONCLAW_HOME: home };
const first = await timeOneStart(pgliteEnv);
console.log(`PGlite first start (creates the data folder): ${first.readyMs.toFixed(0)} ms`);
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
