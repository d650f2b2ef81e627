/**
 * Routines, their runs and their pending deliveries. The two operations that make scheduling
 * exactly-once live here: `claimSlot` (advance `next_run_at` by compare-and-set and insert the
 * run row, unique per routine and slot, in one transaction) and `claimPendingRun`.
 */
import { and, asc, desc, eq, inArray, isNull, lte, min, notInArray, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import {
  conversations,
  messages,
  type RunStatus,
  type RunTrigger,
  routineDeliveries,
  routineRuns,
  routines,
  turns,
} from "./schema/index.ts";

export type Routine = typeof routines.$inferSelect;
export type NewRoutine = typeof routines.$inferInsert;
export type RoutineRun = typeof routineRuns.$inferSelect;
export type RoutineDelivery = typeof routineDeliveries.$inferSelect;

export async function createRoutine(db: Database, values: NewRoutine): Promise<Routine> {
  const [row] = await withDbErrors(() => db.insert(routines).values(values).returning());
  return row as Routine;
}

export async function getRoutine(db: Database, id: string): Promise<Routine | undefined> {
  const [row] = await withDbErrors(() => db.select().from(routines).where(eq(routines.id, id)));
  return row;
}

export async function getRoutineByName(db: Database, name: string): Promise<Routine | undefined> {
  const [row] = await withDbErrors(() => db.select().from(routines).where(eq(routines.name, name)));
  return row;
}

export async function listRoutines(db: Database): Promise<Routine[]> {
  return withDbErrors(() => db.select().from(routines).orderBy(asc(routines.name)));
}

export async function updateRoutine(
  db: Database,
  id: string,
  values: Partial<Omit<NewRoutine, "id" | "createdAt">>,
): Promise<Routine | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .update(routines)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(routines.id, id))
      .returning(),
  );
  return row;
}

export async function deleteRoutine(db: Database, id: string): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db.delete(routines).where(eq(routines.id, id)).returning({ id: routines.id }),
  );
  return rows.length > 0;
}

/** Enabled routines whose next slot has come. */
export async function dueRoutines(db: Database, now: Date): Promise<Routine[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(routines)
      .where(and(eq(routines.enabled, true), lte(routines.nextRunAt, now)))
      .orderBy(asc(routines.nextRunAt)),
  );
}

/** When the scheduler next has something to do: a slot, or a held delivery. */
export async function nextWakeUp(db: Database): Promise<Date | undefined> {
  return withDbErrors(async () => {
    const [slot] = await db
      .select({ at: min(routines.nextRunAt) })
      .from(routines)
      .where(eq(routines.enabled, true));
    const [delivery] = await db
      .select({ at: min(routineDeliveries.notBefore) })
      .from(routineDeliveries)
      .where(isNull(routineDeliveries.deliveredAt));
    const times = [slot?.at, delivery?.at].filter((at): at is Date => at instanceof Date);
    return times.length ? new Date(Math.min(...times.map((at) => at.getTime()))) : undefined;
  });
}

export interface SlotClaim {
  routineId: string;
  /** `next_run_at` as read; the claim fails if another process has moved it since. */
  expectedNext: Date;
  newNext: Date | null;
  /** Without a run, the slot is only passed over (nothing worth a history row). */
  run?: {
    scheduledFor: Date;
    trigger: RunTrigger;
    status: Extract<RunStatus, "running" | "skipped">;
    summary?: string;
  };
  startedAt: Date;
  /** Extra routine columns to set with the claim (failure counters). */
  routine?: Partial<Pick<Routine, "consecutiveFailures">>;
}

/**
 * Takes one slot: moves the routine's `next_run_at` on (compare-and-set) and inserts the run.
 * Returns the run when this caller won, undefined when another process already took the slot.
 */
export async function claimSlot(db: Database, claim: SlotClaim): Promise<RoutineRun | "passed" | undefined> {
  return withDbErrors(() =>
    db.transaction(async (tx) => {
      const moved = await tx
        .update(routines)
        .set({ nextRunAt: claim.newNext, ...claim.routine })
        .where(and(eq(routines.id, claim.routineId), eq(routines.nextRunAt, claim.expectedNext)))
        .returning({ id: routines.id });
      if (moved.length === 0) return undefined;
      if (!claim.run) return "passed";
      const [run] = await tx
        .insert(routineRuns)
        .values({
          routineId: claim.routineId,
          scheduledFor: claim.run.scheduledFor,
          trigger: claim.run.trigger,
          status: claim.run.status,
          summary: claim.run.summary,
          startedAt: claim.startedAt,
          finishedAt: claim.run.status === "skipped" ? claim.startedAt : undefined,
        })
        .onConflictDoNothing()
        .returning();
      return run;
    }),
  );
}

/** Queues a run to start as soon as a scheduler sees it (manual runs, retries). */
export async function insertPendingRun(
  db: Database,
  values: { routineId: string; scheduledFor: Date; trigger: RunTrigger },
): Promise<RoutineRun | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .insert(routineRuns)
      .values({ ...values, status: "pending" })
      .onConflictDoNothing()
      .returning(),
  );
  return row;
}

/** Pending runs that are due, oldest first. */
export async function duePendingRuns(db: Database, now: Date): Promise<RoutineRun[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(routineRuns)
      .where(and(eq(routineRuns.status, "pending"), lte(routineRuns.scheduledFor, now)))
      .orderBy(asc(routineRuns.scheduledFor)),
  );
}

/** pending → running (compare-and-set); false when another process took it. */
export async function claimPendingRun(db: Database, id: string, startedAt: Date): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(routineRuns)
      .set({ status: "running", startedAt })
      .where(and(eq(routineRuns.id, id), eq(routineRuns.status, "pending")))
      .returning({ id: routineRuns.id }),
  );
  return rows.length > 0;
}

/** Moves a run out of `from` (compare-and-set); false when it was already finished. */
export async function finishRun(
  db: Database,
  id: string,
  values: Partial<
    Pick<
      RoutineRun,
      "status" | "summary" | "error" | "inputTokens" | "outputTokens" | "turnId" | "finishedAt"
    >
  >,
  from: readonly RunStatus[] = ["running"],
): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(routineRuns)
      .set(values)
      .where(and(eq(routineRuns.id, id), inArray(routineRuns.status, [...from])))
      .returning({ id: routineRuns.id }),
  );
  return rows.length > 0;
}

export async function getRun(db: Database, id: string): Promise<RoutineRun | undefined> {
  const [row] = await withDbErrors(() => db.select().from(routineRuns).where(eq(routineRuns.id, id)));
  return row;
}

/** The routine's run in flight (at most one by construction), if any. */
export async function activeRun(db: Database, routineId: string): Promise<RoutineRun | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .select()
      .from(routineRuns)
      .where(and(eq(routineRuns.routineId, routineId), eq(routineRuns.status, "running")))
      .orderBy(desc(routineRuns.startedAt))
      .limit(1),
  );
  return row;
}

export async function runningRuns(db: Database): Promise<RoutineRun[]> {
  return withDbErrors(() => db.select().from(routineRuns).where(eq(routineRuns.status, "running")));
}

export async function listRuns(db: Database, routineId: string, limit = 20): Promise<RoutineRun[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(routineRuns)
      .where(eq(routineRuns.routineId, routineId))
      .orderBy(desc(routineRuns.scheduledFor), desc(routineRuns.createdAt))
      .limit(limit),
  );
}

/** The turn that a prompt routine's run started (through its synthetic message), if any yet. */
export async function turnOfRun(
  db: Database,
  routineId: string,
  runId: string,
): Promise<{ messageStored: boolean; turn?: typeof turns.$inferSelect }> {
  return withDbErrors(async () => {
    const [message] = await db
      .select({ turnId: messages.turnId })
      .from(messages)
      .where(
        and(
          eq(messages.channel, "routine"),
          eq(messages.chatId, routineId),
          eq(messages.platformMessageId, runMessageId(runId)),
        ),
      );
    if (!message) return { messageStored: false };
    if (!message.turnId) return { messageStored: true };
    const [turn] = await db.select().from(turns).where(eq(turns.id, message.turnId));
    return { messageStored: true, turn };
  });
}

/** The platform id of a run's synthetic inbound message: the pipeline's dedupe key. */
export function runMessageId(runId: string): string {
  return `run:${runId}`;
}

/** Channels that are not chats with the owner: nothing is delivered there. */
const notChats = ["routine", "api"];

/** The owner's most recently used chat (on `channel`, when given). */
export async function mostRecentChat(
  db: Database,
  channel?: string,
): Promise<{ channel: string; chatId: string } | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .select({ channel: conversations.channel, chatId: conversations.chatId })
      .from(conversations)
      .where(channel ? eq(conversations.channel, channel) : notInArray(conversations.channel, notChats))
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1),
  );
  return row;
}

export async function enqueueDelivery(
  db: Database,
  values: typeof routineDeliveries.$inferInsert,
): Promise<RoutineDelivery> {
  const [row] = await withDbErrors(() => db.insert(routineDeliveries).values(values).returning());
  return row as RoutineDelivery;
}

export async function dueDeliveries(db: Database, now: Date): Promise<RoutineDelivery[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(routineDeliveries)
      .where(and(isNull(routineDeliveries.deliveredAt), lte(routineDeliveries.notBefore, now)))
      .orderBy(asc(routineDeliveries.createdAt)),
  );
}

export async function pendingDeliveries(db: Database): Promise<RoutineDelivery[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(routineDeliveries)
      .where(isNull(routineDeliveries.deliveredAt))
      .orderBy(asc(routineDeliveries.createdAt)),
  );
}

/** Takes a delivery for one attempt (pushes `not_before` out so no other process sends it too). */
export async function leaseDelivery(db: Database, id: string, now: Date, leaseMs: number): Promise<boolean> {
  const rows = await withDbErrors(() =>
    db
      .update(routineDeliveries)
      .set({ notBefore: new Date(now.getTime() + leaseMs), attempts: sql`${routineDeliveries.attempts} + 1` })
      .where(
        and(
          eq(routineDeliveries.id, id),
          isNull(routineDeliveries.deliveredAt),
          lte(routineDeliveries.notBefore, now),
        ),
      )
      .returning({ id: routineDeliveries.id }),
  );
  return rows.length > 0;
}

export async function settleDelivery(
  db: Database,
  id: string,
  values: Partial<Pick<RoutineDelivery, "deliveredAt" | "notBefore" | "lastError" | "channel" | "chatId">>,
): Promise<void> {
  await withDbErrors(() => db.update(routineDeliveries).set(values).where(eq(routineDeliveries.id, id)));
}
