import { expect, test } from "bun:test";
import {
  claimJobSlot,
  finishJob,
  listActiveJobs,
  markJobReported,
  markJobRunning,
} from "../../src/db/jobs.ts";
import { forEachBackend, openSecondConnection } from "../support/db.ts";

const job = (index: number) => ({ command: `echo ${index}`, policy: "read-only" as const, timeoutMs: 1000 });

forEachBackend("jobs table", ({ database }) => {
  test("20 concurrent starts against a cap of 5 claim exactly 5 slots", async () => {
    const { db } = await database();
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, index) => claimJobSlot(db, job(index), 5)),
    );
    expect(claims.filter(Boolean)).toHaveLength(5);
    expect(await listActiveJobs(db)).toHaveLength(5);
  });

  test("the cap holds across two connection pools (two processes) racing", async () => {
    const handle = await database();
    const second = await openSecondConnection(handle);
    const pools = second ? [handle.db, second.db] : [handle.db];
    try {
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, index) => claimJobSlot(pools[index % pools.length]!, job(index), 5)),
      );
      expect(claims.filter(Boolean)).toHaveLength(5);
      expect(await listActiveJobs(handle.db)).toHaveLength(5);
    } finally {
      await second?.close();
    }
  });

  test("a finished job frees its slot; finishing is once", async () => {
    const { db } = await database();
    const first = await claimJobSlot(db, job(1), 1);
    expect(first).toBeDefined();
    expect(await claimJobSlot(db, job(2), 1)).toBeUndefined();
    expect(await markJobRunning(db, first!.id, "container-1")).toBe(true);
    const finished = await finishJob(db, first!.id, { status: "succeeded", exitCode: 0, output: "ok" });
    expect(finished?.status).toBe("succeeded");
    expect(await finishJob(db, first!.id, { status: "failed" })).toBeUndefined();
    expect(await claimJobSlot(db, job(3), 1)).toBeDefined();
  });

  test("a cancelled starting job cannot be marked running", async () => {
    const { db } = await database();
    const claimed = await claimJobSlot(db, job(1), 5);
    await finishJob(db, claimed!.id, { status: "cancelled" });
    expect(await markJobRunning(db, claimed!.id, "container-1")).toBe(false);
  });

  test("a result is reported once", async () => {
    const { db } = await database();
    const claimed = await claimJobSlot(db, job(1), 5);
    const results = await Promise.all([markJobReported(db, claimed!.id), markJobReported(db, claimed!.id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
