/**
 * Applies the generated migrations in `drizzle/` at start-up, idempotently. Refuses to touch a
 * database whose schema is newer than this build knows (a downgrade would silently run on a
 * schema it does not understand). On PostgreSQL an advisory lock serializes concurrent starts.
 */
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { AppError } from "../errors.ts";
import type { DatabaseHandle } from "./client.ts";
import { withDbErrors } from "./errors.ts";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));
const migrationLockKey = 7_041_337;

/** The newest migration this build ships (its folderMillis). */
export function latestKnownMigration(): number {
  const migrations = readMigrationFiles({ migrationsFolder });
  return Math.max(0, ...migrations.map((migration) => migration.folderMillis));
}

async function newestAppliedMigration(handle: DatabaseHandle): Promise<number | undefined> {
  const [exists] = await handle.query<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists?.present) return undefined;
  const [row] = await handle.query<{ newest: string | number | null }>(
    sql`select max(created_at) as newest from drizzle.__drizzle_migrations`,
  );
  return row?.newest == null ? undefined : Number(row.newest);
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<{ applied: boolean }> {
  return withDbErrors(async () => {
    if (handle.backend === "postgres") await handle.query(sql`select pg_advisory_lock(${migrationLockKey})`);
    try {
      const known = latestKnownMigration();
      const before = await newestAppliedMigration(handle);
      if (before !== undefined && before > known) {
        throw new AppError(
          "database_schema_too_new",
          `the database at ${handle.location} was written by a newer IronClaw (schema ${new Date(before).toISOString()}, this build knows up to ${new Date(known).toISOString()}); upgrade IronClaw — no data was changed`,
        );
      }
      if (before === known) return { applied: false };
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
