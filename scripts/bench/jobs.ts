/**
 * Container job latency on the real engine (DOCKER_HOST, e.g. Podman via scripts/ci-podman.sh):
 * for BENCH_RUNS jobs (default 10) it prints the median and maximum of
 *   - start → container running (`start` resolved: image check, slot claim, create, attach, start),
 *   - start → first output (`echo ready` reaching the host),
 *   - start → result stored (the container has ended and been removed),
 *   - teardown of a running job (`job_cancel` of `sleep 60`: SIGTERM, SIGKILL, remove).
 *
 *   DOCKER_HOST=unix:///run/podman/podman.sock bun scripts/bench/jobs.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectEngine } from "../../src/jobs/engine.ts";
import type { JobEvent } from "../../src/jobs/job-events.ts";
import { createJobService } from "../../src/jobs/job-service.ts";
import { defaultJobLimits } from "../../src/jobs/policies.ts";
import { buildSandboxImage } from "../../src/jobs/sandbox-image.ts";
import { silentLogger } from "../../src/log.ts";
import { openBenchDatabase } from "./support.ts";

const runs = Number(process.env.BENCH_RUNS ?? 10);
const detection = await detectEngine({ dockerHost: process.env.DOCKER_HOST });
if (!detection.ok) {
  console.log(`jobs bench skipped: ${detection.reason}`);
  process.exit(0);
}
const { docker } = detection.engine;
await buildSandboxImage(docker);
const database = await openBenchDatabase();
const firstOutput = new Map<string, number>();
const service = createJobService({
  db: database.db,
  docker,
  log: silentLogger,
  workspaceDir: mkdtempSync(join(tmpdir(), "ironclaw-bench-jobs-")),
  limits: defaultJobLimits,
  maxParallel: 5,
  stopGraceSeconds: 1,
  emit: (event: JobEvent) => {
    if (event.type === "job-output" && !firstOutput.has(event.jobId))
      firstOutput.set(event.jobId, performance.now());
  },
});

const started: number[] = [];
const output: number[] = [];
const stored: number[] = [];
const teardown: number[] = [];
for (let run = 0; run < runs; run++) {
  const begin = performance.now();
  const job = await service.start({ command: "echo ready", policy: "read-only" });
  started.push(performance.now() - begin);
  await service.waitFor(job.id, 60_000);
  stored.push(performance.now() - begin);
  output.push((firstOutput.get(job.id) ?? Number.NaN) - begin);

  const long = await service.start({ command: "sleep 60", policy: "read-only" });
  const cancelAt = performance.now();
  await service.cancel(long.id);
  teardown.push(performance.now() - cancelAt);
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return `median ${median.toFixed(0)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms`;
};
console.log(`${detection.engine.name} ${detection.engine.version}, ${runs} runs`);
console.log(`start → running:       ${summary(started)}`);
console.log(`start → first output:  ${summary(output)}`);
console.log(`start → result stored: ${summary(stored)}`);
console.log(`teardown (cancel):     ${summary(teardown)}`);
await database.close();
