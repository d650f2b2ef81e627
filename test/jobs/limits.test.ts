/**
 * Hostile commands on a real engine: each is contained, reported in words, and cleaned up
 * (no container left behind), and the host keeps running.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { JobLimits } from "../../src/jobs/policies.ts";
import { jobLabel } from "../../src/jobs/policies.ts";
import { createTestDatabase } from "../support/db.ts";
import { engineFixture, noEngine } from "./engine-support.ts";
import { createJobHarness } from "./job-harness.ts";

// Containers start in about a second each; a loaded CI machine needs room.
setDefaultTimeout(90_000);

describe.skipIf(noEngine)("job limits on a real engine", () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.close();
  });

  const run = async (
    command: string,
    limits: Partial<JobLimits> = {},
    policy: "read-only" | "workspace-write" = "read-only",
  ) => {
    const harness = createJobHarness(database, { limits });
    const job = await harness.service.start({ command, policy });
    const done = await harness.service.waitFor(job.id, 90_000);
    if (!done) throw new Error("job did not finish");
    const left = await engineFixture!.engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${jobLabel}=${job.id}`] }),
    });
    expect(left).toHaveLength(0);
    return done;
  };

  test("memory: a command that grows without bound is killed and reported as out of memory", async () => {
    const job = await run(`awk 'BEGIN { s = "x"; while (1) s = s s }'`, { memoryBytes: 64 * 1024 * 1024 });
    expect(job.status).toBe("failed");
    expect(job.error).toContain("out of memory");
  });

  test("pids: a fork bomb is contained, and the next job runs normally", async () => {
    const bomb = await run(":(){ :|:& };:; sleep 2; echo after-bomb", { pidsLimit: 64, timeoutMs: 10_000 });
    expect(["failed", "succeeded", "timed_out"]).toContain(bomb.status);
    const next = await run("echo next-job-fine");
    expect(next.output).toBe("next-job-fine\n");
  });

  test("pids: forking beyond the limit fails inside the container", async () => {
    const job = await run(
      "read max < /sys/fs/cgroup/pids/pids.max; echo max=$max; for i in $(seq 1 40); do sleep 5 & done; echo spawned",
      { pidsLimit: 16, timeoutMs: 10_000 },
    );
    expect(job.output).toContain("max=16");
    expect(job.output).toMatch(/can't fork|Resource temporarily unavailable/);
  });

  test("timeout: a command that ignores SIGTERM is killed and reported", async () => {
    const started = Date.now();
    const job = await run("trap '' TERM; echo waiting; while true; do sleep 1; done", { timeoutMs: 1500 });
    expect(job.status).toBe("timed_out");
    expect(job.output).toContain("waiting");
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test("output: a flood is capped with head and tail kept", async () => {
    const job = await run("echo FIRST; yes filler-line | head -n 200000; echo LAST", { outputBytes: 4096 });
    expect(job.status).toBe("succeeded");
    expect(job.truncated).toBe(true);
    expect(job.outputBytes).toBeGreaterThan(2_000_000);
    expect(job.output?.startsWith("FIRST\n")).toBe(true);
    expect(job.output?.trimEnd().endsWith("LAST")).toBe(true);
    expect(job.output).toContain("bytes omitted");
    expect(job.output!.length).toBeLessThan(4500);
  });

  test("binary output is reported as binary, as text", async () => {
    const job = await run("head -c 4000 /dev/urandom");
    expect(job.output).toStartWith("[binary output, 4000 bytes");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(job.output).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  test("a 10 GB write stops at the tmpfs size and the per-file limit", async () => {
    const job = await run(
      "dd if=/dev/zero of=/tmp/big bs=1M count=10240 2>&1; dd if=/dev/zero of=/workspace/big bs=1M count=10240 2>&1 | tail -1; ls -l /workspace/big | awk '{print \"ws-size\", $5}'",
      { tmpfsBytes: 8 * 1024 * 1024, fileSizeBytes: 16 * 1024 * 1024 },
      "workspace-write",
    );
    expect(job.output).toMatch(/No space left on device/);
    expect(job.output).toMatch(/File size limit exceeded|File too large/);
    expect(job.output).toContain(`ws-size ${16 * 1024 * 1024}`);
  });
});
