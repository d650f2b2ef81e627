/**
 * The embedded database runs with PGlite's own start parameters plus small buffers (pglite.ts):
 * the process keeps every page PostgreSQL touches, so the sizes are part of the memory budget.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { checkSchema } from "../../src/db/migrate.ts";
import { openPglite } from "../../src/db/pglite.ts";

const home = mkdtempSync(join(tmpdir(), "ironclaw-tuning-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

test("an opened data folder runs with the small buffers and keeps PGlite's defaults", async () => {
  const handle = await openPglite(join(home, "pgdata"));
  try {
    const setting = async (name: string) =>
      (await handle.query<{ setting: string }>(sql`select current_setting(${name}) as setting`))[0]?.setting;
    expect(await setting("shared_buffers")).toBe("8MB");
    expect(await setting("wal_buffers")).toBe("256kB");
    expect(await setting("temp_buffers")).toBe("1MB");
    expect(await setting("work_mem")).toBe("2MB");
    expect(await setting("maintenance_work_mem")).toBe("8MB");
    // PGlite's own defaults are kept, not replaced.
    expect(await setting("search_path")).toBe("public");
    expect(await setting("max_worker_processes")).toBe("0");
  } finally {
    await handle.close();
  }
}, 120_000);

test("a new data folder is created and migrated in the child: the assistant opens it current", async () => {
  const handle = await openPglite(join(home, "fresh"));
  try {
    // openPglite alone (no migrateDatabase here) already finds every table: the child made them.
    expect(await checkSchema(handle)).toBe("current");
    const tables = await handle.query<{ name: string }>(
      sql`select tablename as name from pg_tables where schemaname = 'public'`,
    );
    expect(tables.map((row) => row.name)).toContain("held_skill_installs");
  } finally {
    await handle.close();
  }
}, 120_000);
