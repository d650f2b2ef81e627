/**
 * The engine disappears mid-job: a second Podman API service (same storage) is stopped while a
 * job runs through it. The job ends as failed with a clear message, the host keeps running, and
 * the next recovery through the remaining engine removes the container left behind.
 * Podman only (it needs `podman system service`); skipped elsewhere.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { getJob } from "../../src/db/jobs.ts";
import { recoverJobs } from "../../src/jobs/job-recovery.ts";
import { createJobService } from "../../src/jobs/job-service.ts";
import { defaultJobLimits, jobLabel } from "../../src/jobs/policies.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDatabase } from "../support/db.ts";
import { createWorkspace, engineFixture, noEngine } from "./engine-support.ts";
import { createJobHarness } from "./job-harness.ts";

setDefaultTimeout(90_000);

const podman = engineFixture?.engine.name.includes("Podman") === true && existsSync("/usr/bin/podman");

describe.skipIf(noEngine || !podman)("an engine that disappears mid-job", () => {
  let database: DatabaseHandle;
  const socketPath = join(tmpdir(), `ironclaw-second-podman-${process.pid}.sock`);
  let service: ReturnType<typeof spawn>;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    service = spawn("podman", ["system", "service", "--time=0", `unix://${socketPath}`], { stdio: "ignore" });
    const docker = new Docker({ socketPath });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (
        await docker.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      await Bun.sleep(100);
    }
    throw new Error("second podman service did not start");
  });
  afterAll(async () => {
    service.kill("SIGKILL");
    await database.close();
  });

  test("the job fails with a clear message and recovery removes its container", async () => {
    const workspaceDir = createWorkspace();
    const jobs = createJobService({
      db: database.db,
      docker: new Docker({ socketPath }),
      log: silentLogger,
      workspaceDir,
      limits: defaultJobLimits,
      maxParallel: 5,
    });
    const job = await jobs.start({ command: "sleep 60", policy: "read-only" });
    service.kill("SIGKILL");
    const finished = await jobs.waitFor(job.id, 30_000);
    expect(finished?.status).toBe("failed");
    expect(finished?.error).toContain("container engine stopped answering");

    const remaining = engineFixture!.engine.docker;
    const left = () =>
      remaining.listContainers({ all: true, filters: JSON.stringify({ label: [`${jobLabel}=${job.id}`] }) });
    // The failed job's container may still run (conmon keeps it): recovery removes it.
    const report = await recoverJobs({
      db: database.db,
      docker: remaining,
      service: createJobHarness(database, { workspaceDir }).service,
      log: silentLogger,
      workspaceDir,
    });
    expect(report.adopted).toEqual([]);
    expect(await left()).toHaveLength(0);
    expect((await getJob(database.db, job.id))?.status).toBe("failed");
  });
});
