/**
 * Why: a trivial turn must cost few database round trips, and every BEGIN and COMMIT is one. A
 * data-modifying statement attached as a CTE of another travels with it: one round trip, and
 * atomic, since one statement is its own transaction — the guarantee `inTransaction` gives, for
 * writes that do not need to read each other's results.
 *
 * Contract (PostgreSQL's): the companions and the main statement see the same snapshot and not
 * each other's changes, and every companion runs even if nothing references it. So they must
 * touch different rows than the main statement and must not depend on what it wrote.
 */
import { type SQLWrapper, sql } from "drizzle-orm";
import type { Database } from "./client.ts";

/** Wraps `statement` (an insert, update or delete builder) as a CTE named `alias`. */
export function companionStatement(db: Database, alias: string, statement: SQLWrapper) {
  return db.$with(alias, { done: sql`1` }).as(statement.getSQL());
}
