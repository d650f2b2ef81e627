/**
 * Pairing codes in the database. Approving a code writes twice — the code is used up and its
 * sender becomes the channel's owner — so both happen in one transaction: a failure in between
 * can neither burn the code without pairing nor pair with a code that still looks pending.
 * The policy (code alphabet, validity, how many may be pending) is `src/core/pairing.ts`.
 */
import { and, eq, gt } from "drizzle-orm";
import { announceCommitted } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { setOwnerIdentity } from "./identities.ts";
import { pairingCodes } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export type PairingCodeRow = typeof pairingCodes.$inferSelect;
export type NewPairingCode = typeof pairingCodes.$inferInsert;

/** Pending, unexpired codes: of one channel, or of every channel when `channel` is omitted. */
export async function listPendingPairingCodes(
  db: Database,
  now: Date,
  channel?: string,
): Promise<PairingCodeRow[]> {
  return withDbErrors(() =>
    db
      .select()
      .from(pairingCodes)
      .where(
        and(
          channel === undefined ? undefined : eq(pairingCodes.channel, channel),
          eq(pairingCodes.status, "pending"),
          gt(pairingCodes.expiresAt, now),
        ),
      ),
  );
}

export async function insertPairingCode(db: Database, values: NewPairingCode): Promise<void> {
  await withDbErrors(() => db.insert(pairingCodes).values(values));
}

/**
 * Compare-and-set: uses up a pending, unexpired code of `channel` and records its sender as the
 * owner there, in one transaction. Returns the code's row, or undefined when it is unknown, used
 * or expired.
 */
export async function usePairingCode(
  db: Database,
  channel: string,
  code: string,
  now: Date,
): Promise<PairingCodeRow | undefined> {
  const approved = await inTransaction(db, async (tx) => {
    const [row] = await tx
      .update(pairingCodes)
      .set({ status: "approved" })
      .where(
        and(
          eq(pairingCodes.code, code),
          eq(pairingCodes.channel, channel),
          eq(pairingCodes.status, "pending"),
          gt(pairingCodes.expiresAt, now),
        ),
      )
      .returning();
    if (!row) return undefined;
    await setOwnerIdentity(tx, {
      channel,
      externalUserId: row.externalUserId,
      displayName: row.displayName ?? undefined,
      source: "pairing",
    });
    return row;
  });
  if (approved) announceCommitted("owner_identities");
  return approved;
}
