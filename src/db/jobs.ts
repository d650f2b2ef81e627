/**
 * Container jobs' rows. `claimJobSlot` is what makes AGENT_MAX_PARALLEL_JOBS hold under
 * concurrency: a transaction-scoped advisory lock serialises every claimer (on any number of
 * processes sharing the database), and the insert is conditional on the count of active jobs
 * read under that lock, so two starts can never both see "4 running" and both insert. Status
 * changes are compare-and-set: a job finishes once, whoever (runner, cancel, recovery) gets
 * there first.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { activeJobStatuses, type JobPolicy, type JobStatus, jobs } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export type Job = typeof jobs.$inferSelect;

export interface NewJob {
  command: string;
  policy: JobPolicy;
  timeoutMs: number;
  conversationId?: string | null;
  turnId?: string | null;
  image?: string;
}

/** An arbitrary, fixed key for pg_advisory_xact_lock: "jobs" claimers wait for one another. */
const claimLockKey = 0x6a6f6273;

/** Inserts the job as `starting` if fewer than `limit` jobs are active; undefined when full. */
export async function claimJobSlot(db: Database, job: NewJob, limit: number): Promise<Job | undefined> {
  return inTransaction(db, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${claimLockKey})`);
    const [{ active } = { active: 0 }] = await tx
      .select({ active: sql<number>`count(*)::int` })
      .from(jobs)
      .where(inArray(jobs.status, [...activeJobStatuses]));
    if (active >= limit) return undefined;
    const [row] = await tx
      .insert(jobs)
      .values({
        command: job.command,
        policy: job.policy,
        timeoutMs: job.timeoutMs,
        conversationId: job.conversationId ?? null,
        turnId: job.turnId ?? null,
        image: job.image ?? null,
      })
      .returning();
    return row;
  });
}

export async function getJob(db: Database, id: string): Promise<Job | undefined> {
  const [row] = await withDbErrors(() => db.select().from(jobs).where(eq(jobs.id, id)));
  return row;
}

export async function listActiveJobs(db: Database): Promise<Job[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(jobs)
      .where(inArray(jobs.status, [...activeJobStatuses])),
  );
}

export async function listRecentJobs(db: Database, limit = 20): Promise<Job[]> {
  return withDbErrors(() => db.select().from(jobs).orderBy(desc(jobs.createdAt)).limit(limit));
}

/** `starting` → `running` with its container; false when the job was already finished (cancelled). */
export async function markJobRunning(db: Database, id: string, containerId: string): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(jobs)
      .set({ status: "running", containerId, startedAt: new Date() })
      .where(and(eq(jobs.id, id), eq(jobs.status, "starting")))
      .returning({ id: jobs.id }),
  );
  return rows.length === 1;
}

export async function setJobContainer(db: Database, id: string, containerId: string): Promise<void> {
  await withDbErrors(() => db.update(jobs).set({ containerId }).where(eq(jobs.id, id)));
}

export interface JobEnding {
  status: Exclude<JobStatus, "starting" | "running">;
  exitCode?: number | null;
  output?: string;
  outputBytes?: number;
  truncated?: boolean;
  error?: string | null;
}

/** Active → final, once; returns the finished row, or undefined if it had already ended. */
export async function finishJob(db: Database, id: string, ending: JobEnding): Promise<Job | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .update(jobs)
      .set({
        status: ending.status,
        exitCode: ending.exitCode ?? null,
        ...(ending.output === undefined ? {} : { output: ending.output }),
        ...(ending.outputBytes === undefined ? {} : { outputBytes: ending.outputBytes }),
        ...(ending.truncated === undefined ? {} : { truncated: ending.truncated }),
        error: ending.error ?? null,
        finishedAt: new Date(),
      })
      .where(and(eq(jobs.id, id), inArray(jobs.status, [...activeJobStatuses])))
      .returning(),
  );
  return row;
}

/** Output seen so far, for job_output while the job runs. */
export async function saveJobOutput(
  db: Database,
  id: string,
  output: { text: string; bytes: number; truncated: boolean },
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(jobs)
      .set({ output: output.text, outputBytes: output.bytes, truncated: output.truncated })
      .where(and(eq(jobs.id, id), inArray(jobs.status, [...activeJobStatuses]))),
  );
}

/** Marks the result as posted to the chat; true for the one caller that flipped it. */
export async function markJobReported(db: Database, id: string): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(jobs)
      .set({ reported: true })
      .where(and(eq(jobs.id, id), eq(jobs.reported, false)))
      .returning({ id: jobs.id }),
  );
  return rows.length === 1;
}
