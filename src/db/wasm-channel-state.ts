/**
 * The database side of a WASM channel's store (`ChannelStateStore`): reads by (channel, key), and
 * a callback's buffered writes applied in one transaction, so a poll cursor and whatever else
 * the callback wrote move together or not at all. The runtime applies them only after the
 * callback's emits were delivered: a crash in between redelivers (dedupe by message id catches
 * the repeat) instead of skipping a message.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { ChannelStateStore } from "../plugin/wasm/contract.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { wasmChannelState } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export async function readChannelState(
  db: Database,
  channel: string,
  key: string,
): Promise<string | undefined> {
  const [row] = await withDbErrors(() =>
    db
      .select({ value: wasmChannelState.value })
      .from(wasmChannelState)
      .where(and(eq(wasmChannelState.channel, channel), eq(wasmChannelState.key, key))),
  );
  return row?.value;
}

export async function applyChannelState(
  db: Database,
  channel: string,
  writes: ReadonlyMap<string, string | null>,
  now: Date = new Date(),
): Promise<void> {
  if (writes.size === 0) return;
  const deleted = [...writes].filter(([, value]) => value === null).map(([key]) => key);
  const written = [...writes].flatMap(([key, value]) => (value === null ? [] : [{ channel, key, value }]));
  await inTransaction(db, async (tx) => {
    if (deleted.length > 0) {
      await tx
        .delete(wasmChannelState)
        .where(and(eq(wasmChannelState.channel, channel), inArray(wasmChannelState.key, deleted)));
    }
    if (written.length > 0) {
      await tx
        .insert(wasmChannelState)
        .values(written.map((row) => ({ ...row, updatedAt: now })))
        .onConflictDoUpdate({
          target: [wasmChannelState.channel, wasmChannelState.key],
          set: { value: sql.raw(`excluded."value"`), updatedAt: now },
        });
    }
  });
}

/** Every key of one channel (for `doctor` and tests); never another channel's. */
export async function listChannelState(db: Database, channel: string): Promise<Map<string, string>> {
  const rows = await withDbErrors(() =>
    db
      .select({ key: wasmChannelState.key, value: wasmChannelState.value })
      .from(wasmChannelState)
      .where(eq(wasmChannelState.channel, channel)),
  );
  return new Map(rows.map((row) => [row.key, row.value]));
}

/** Removes a channel's whole store (the channel was uninstalled). */
export async function clearChannelState(db: Database, channel: string): Promise<void> {
  await withDbErrors(() => db.delete(wasmChannelState).where(eq(wasmChannelState.channel, channel)));
}

export function createDatabaseChannelStateStore(
  db: Database,
  now: () => Date = () => new Date(),
): ChannelStateStore {
  return {
    read: (channel, key) => readChannelState(db, channel, key),
    apply: (channel, writes) => applyChannelState(db, channel, writes, now()),
  };
}
