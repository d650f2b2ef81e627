/**
 * One helper for changes that write more than once (a turn and its trigger message, a pairing
 * code and the owner it names, a paused turn and its approvals): either every write lands or none
 * does. Repository functions take `db` first, so they run unchanged on the transaction handle.
 */
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";

export async function inTransaction<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  return withDbErrors(() => db.transaction((tx) => work(tx)));
}
