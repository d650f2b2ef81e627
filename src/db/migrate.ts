/**
 * Applies the generated migrations in `drizzle/` at start-up, idempotently. Refuses to touch a
 * database whose schema is newer than this build knows (a downgrade would silently run on a
 * schema it does not understand). On PostgreSQL an advisory lock serializes concurrent starts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { AppError } from "../errors.ts";
import type { DatabaseHandle } from "./client.ts";
import { sqlStateOf, withDbErrors } from "./errors.ts";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));
const migrationLockKey = 7_041_337;

/**
 * The newest migration this build ships (its folderMillis: the journal's `when`, which is what
 * drizzle stores as created_at). Read from the journal alone, so a start on a current schema does
 * not read and hash every migration file.
 */
export function latestKnownMigration(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return Math.max(0, ...journal.entries.map((entry) => entry.when));
}

/** SQLSTATEs of a database that was never migrated: no `drizzle` schema, or no journal table. */
const neverMigratedStates = new Set(["3F000", "42P01"]);

/**
 * One query, the start-up path of every restart: a database without the journal table (never
 * migrated) answers with an error, not a row, which is the rare case. Run outside a transaction
 * (on PostgreSQL that error would abort it).
 */
async function newestAppliedMigration(handle: DatabaseHandle): Promise<number | undefined> {
  let rows: { newest: string | number | null }[];
  try {
    rows = await handle.query(sql`select max(created_at) as newest from drizzle.__drizzle_migrations`);
  } catch (error) {
    const state = sqlStateOf(error);
    if (state && neverMigratedStates.has(state)) return undefined;
    throw error;
  }
  const newest = rows[0]?.newest;
  return newest == null ? undefined : Number(newest);
}

/**
 * Whether the schema is what this build knows ("current") or older ("behind"); throws
 * database_schema_too_new for a newer one. Takes no lock: a start on a current schema (the usual
 * case) needs nothing more, and anything else goes through `migrateDatabase`, which checks again.
 */
export async function checkSchema(handle: DatabaseHandle): Promise<"current" | "behind"> {
  return withDbErrors(async () => {
    const known = latestKnownMigration();
    const before = await newestAppliedMigration(handle);
    if (before !== undefined && before > known) {
      throw new AppError(
        "database_schema_too_new",
        `the database at ${handle.location} was written by a newer IronClaw (schema ${new Date(before).toISOString()}, this build knows up to ${new Date(known).toISOString()}); upgrade IronClaw — no data was changed`,
      );
    }
    return before === known ? "current" : "behind";
  });
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<{ applied: boolean }> {
  return withDbErrors(async () => {
    if (handle.backend === "postgres") await handle.query(sql`select pg_advisory_lock(${migrationLockKey})`);
    try {
      if ((await checkSchema(handle)) === "current") return { applied: false };
      if (handle.backend === "pglite") {
        const { migrate } = await import("drizzle-orm/pglite/migrator");
        // biome-ignore lint/suspicious/noExplicitAny: the driver-specific db type is erased in DatabaseHandle
        await migrate(handle.db as any, { migrationsFolder });
      } else {
        const { migrate } = await import("drizzle-orm/postgres-js/migrator");
        // biome-ignore lint/suspicious/noExplicitAny: see above
        await migrate(handle.db as any, { migrationsFolder });
      }
      return { applied: true };
    } finally {
      if (handle.backend === "postgres")
        await handle.query(sql`select pg_advisory_unlock(${migrationLockKey})`);
    }
  });
}
