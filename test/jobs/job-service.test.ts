/**
 * The job service on a real engine: the parallel-jobs cap under 20 racing starts, cancel,
 * a restart with a job still running (re-adopted) or gone (lost), orphaned containers, events,
 * and a long job's result posted to its chat.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { claimJobSlot, getJob, listActiveJobs, markJobRunning } from "../../src/db/jobs.ts";
import type { AppError } from "../../src/errors.ts";
import { recoverJobs } from "../../src/jobs/job-recovery.ts";
import { createJobService } from "../../src/jobs/job-service.ts";
import { defaultJobLimits, installIdOf, installLabel, jobLabel } from "../../src/jobs/policies.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDatabase } from "../support/db.ts";
import { createWorkspace, engineFixture, noEngine } from "./engine-support.ts";
import { createJobHarness } from "./job-harness.ts";

// Containers start in about a second each; a loaded CI machine needs room.
setDefaultTimeout(90_000);

const containersOf = async (jobId: string) =>
  engineFixture!.engine.docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${jobLabel}=${jobId}`] }),
  });

describe.skipIf(noEngine)("job service on a real engine", () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.close();
  });

  test("20 concurrent starts: 5 run, 15 are refused with job_limit_reached; cancel frees the slots", async () => {
    const harness = createJobHarness(database, { maxParallel: 5 });
    const starts = await Promise.allSettled(
      Array.from({ length: 20 }, () => harness.service.start({ command: "sleep 60", policy: "read-only" })),
    );
    const started = starts.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const refused = starts.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(started).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const reason of refused) expect((reason as AppError).code).toBe("job_limit_reached");
    expect(await listActiveJobs(database.db)).toHaveLength(5);
    const cancelled = await Promise.all(started.map((job) => harness.service.cancel(job.id)));
    for (const job of cancelled) expect(job?.status).toBe("cancelled");
    for (const job of started) expect(await containersOf(job.id)).toHaveLength(0);
    expect(await listActiveJobs(database.db)).toHaveLength(0);
    expect(harness.events.filter((event) => event.type === "job-started")).toHaveLength(5);
    expect(harness.events.filter((event) => event.type === "job-result")).toHaveLength(5);
  });

  test("a job that outlives its wait posts its result to the chat once", async () => {
    const harness = createJobHarness(database);
    const conversationId = randomUUID();
    const job = await harness.service.start({
      command: "sleep 1.5; echo long-done",
      policy: "read-only",
      conversationId,
    });
    expect(await harness.service.waitFor(job.id, 200)).toBeUndefined();
    for (let attempt = 0; attempt < 100 && harness.delivered.length === 0; attempt++) await Bun.sleep(100);
    expect(harness.delivered).toHaveLength(1);
    expect(harness.delivered[0]?.conversationId).toBe(conversationId);
    expect(harness.delivered[0]?.text).toContain("succeeded");
    expect(harness.delivered[0]?.text).toContain("long-done");
    expect((await getJob(database.db, job.id))?.reported).toBe(true);
  });

  test("a job whose waiter sees the end is not posted again", async () => {
    const harness = createJobHarness(database);
    const job = await harness.service.start({
      command: "echo quick",
      policy: "read-only",
      conversationId: randomUUID(),
    });
    const done = await harness.service.waitFor(job.id, 30_000);
    expect(done?.output).toBe("quick\n");
    await Bun.sleep(300);
    expect(harness.delivered).toHaveLength(0);
  });

  test("restart: a running job is re-adopted and finishes; a vanished one is lost; orphans are removed", async () => {
    const workspaceDir = createWorkspace();
    const conversationId = randomUUID();
    const first = createJobHarness(database, { workspaceDir });
    const running = await first.service.start({
      command: "sleep 2; echo after-restart",
      policy: "read-only",
      conversationId,
    });
    await first.service.detach();
    expect(await containersOf(running.id)).toHaveLength(1);
    // A job whose container never came back, and a container whose job is not active.
    const vanished = await claimJobSlot(
      database.db,
      { command: "true", policy: "read-only", timeoutMs: 1000, conversationId },
      10,
    );
    await markJobRunning(database.db, vanished!.id, "gone");
    const orphan = await engineFixture!.engine.docker.createContainer({
      Image: engineFixture!.image.id,
      Cmd: ["sleep", "30"],
      Labels: { [jobLabel]: randomUUID(), [installLabel]: installIdOf(workspaceDir) },
      HostConfig: { NetworkMode: "none" },
    });

    const second = createJobHarness(database, { workspaceDir });
    const report = await recoverJobs({
      db: database.db,
      docker: engineFixture!.engine.docker,
      // As the host runs it: the listing without dockerode (src/jobs/engine-api.ts).
      listContainers: engineFixture!.engine.listContainers,
      service: second.service,
      workspaceDir,
      log: silentLogger,
      deliver: async (id, text) => {
        second.delivered.push({ conversationId: id, text });
      },
    });
    expect(report.adopted).toEqual([running.id]);
    expect(report.lost).toEqual([vanished!.id]);
    expect(report.removedContainers).toBeGreaterThanOrEqual(1);
    await expect(orphan.inspect()).rejects.toThrow();
    const done = await second.service.waitFor(running.id, 30_000);
    expect(done?.status).toBe("succeeded");
    expect(done?.output).toContain("after-restart");
    expect((await getJob(database.db, vanished!.id))?.status).toBe("lost");
    expect(second.delivered.some((entry) => entry.text.includes("was lost"))).toBe(true);
    expect(await containersOf(running.id)).toHaveLength(0);
  });

  test("a missing image is refused before a slot is claimed", async () => {
    const service = createJobService({
      db: database.db,
      docker: engineFixture!.engine.docker,
      log: silentLogger,
      workspaceDir: createWorkspace(),
      limits: defaultJobLimits,
      maxParallel: 5,
      configuredImage: "localhost/does-not-exist:1",
    });
    const before = (await listActiveJobs(database.db)).length;
    const error = await service
      .start({ command: "true", policy: "read-only" })
      .catch((caught: unknown) => caught);
    expect((error as AppError).code).toBe("sandbox_image_missing");
    expect((await listActiveJobs(database.db)).length).toBe(before);
  });
});
