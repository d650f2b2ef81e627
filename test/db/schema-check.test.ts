import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { checkSchema, latestKnownMigration, migrationsFolder } from "../../src/db/migrate.ts";
import { AppError } from "../../src/errors.ts";
import { forEachBackend } from "../support/db.ts";

test("the newest known migration read from the journal is the one drizzle applies last", () => {
  const files = readMigrationFiles({ migrationsFolder });
  expect(latestKnownMigration()).toBe(Math.max(...files.map((migration) => migration.folderMillis)));
});

forEachBackend("schema check", ({ database }) => {
  test("a migrated database is current", async () => {
    expect(await checkSchema(await database())).toBe("current");
  });

  test("a database missing the newest migration is behind", async () => {
    const handle = await database();
    await handle.query(
      sql`delete from drizzle.__drizzle_migrations where created_at = ${latestKnownMigration()}`,
    );
    expect(await checkSchema(handle)).toBe("behind");
  });

  test("a database written by a newer build is refused", async () => {
    const handle = await database();
    const future = latestKnownMigration() + 86_400_000;
    await handle.query(
      sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('future', ${future})`,
    );
    const error = await checkSchema(handle).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("database_schema_too_new");
  });
});
