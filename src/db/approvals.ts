import { and, asc, desc, eq, gt, lte } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { type ApprovalStatus, approvals } from "./schema/index.ts";

export type ApprovalRow = typeof approvals.$inferSelect;
export type NewApproval = typeof approvals.$inferInsert;

export async function getApproval(db: Database, id: string): Promise<ApprovalRow | undefined> {
  const [row] = await withDbErrors(() => db.select().from(approvals).where(eq(approvals.id, id)));
  return row;
}

export async function listApprovals(
  db: Database,
  status?: ApprovalStatus,
  limit = 200,
): Promise<ApprovalRow[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(approvals)
      .where(status ? eq(approvals.status, status) : undefined)
      .orderBy(desc(approvals.createdAt))
      .limit(limit),
  );
}

export async function listTurnApprovals(db: Database, turnId: string): Promise<ApprovalRow[]> {
  return withDbErrors(() =>
    db.select().from(approvals).where(eq(approvals.turnId, turnId)).orderBy(asc(approvals.createdAt)),
  );
}

/**
 * Remembers the message that shows the buttons. `place` moves the approval to the chat the prompt
 * was actually shown in (a routine's turn asks in the owner's chat, not in its own conversation).
 */
export async function setPromptMessage(
  db: Database,
  id: string,
  promptMessageId: string,
  place?: { channel: string; chatId: string },
): Promise<void> {
  await withDbErrors(() =>
    db
      .update(approvals)
      .set({ promptMessageId, ...place })
      .where(eq(approvals.id, id)),
  );
}

/**
 * Compare-and-set: moves a pending, unexpired approval to its decided status. Returns the row
 * when this call won, undefined when it was already decided, expired, or unknown.
 */
export async function decideApproval(
  db: Database,
  id: string,
  values: {
    status: Exclude<ApprovalStatus, "pending" | "expired">;
    decision: "approve" | "always" | "deny";
    decidedBy: string;
    decidedVia: string;
  },
  now: Date,
): Promise<ApprovalRow | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .update(approvals)
      .set({ ...values, decidedAt: now })
      .where(and(eq(approvals.id, id), eq(approvals.status, "pending"), gt(approvals.expiresAt, now)))
      .returning(),
  );
  return row;
}

/** Compare-and-set every pending approval whose time is up to `expired`; returns those this call moved. */
export async function expireDueApprovals(db: Database, now: Date): Promise<ApprovalRow[]> {
  return withDbErrors(() =>
    db
      .update(approvals)
      .set({
        status: "expired",
        decision: "expire",
        decidedBy: "timeout",
        decidedVia: "timeout",
        decidedAt: now,
      })
      .where(and(eq(approvals.status, "pending"), lte(approvals.expiresAt, now)))
      .returning(),
  );
}

/** Stores the approvals of a pausing turn; called inside the transaction that pauses it. */
export async function insertApprovals(db: Database, rows: readonly NewApproval[]): Promise<void> {
  if (rows.length === 0) return;
  await withDbErrors(() => db.insert(approvals).values([...rows]));
}
