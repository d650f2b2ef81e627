/**
 * Test databases. Every test that touches the database gets a fresh, already-migrated copy of a
 * template instead of migrating from scratch (a cold PGlite plus migrations costs seconds):
 *   - PGlite: the template is a data-dir dump made once per run; each copy loads it in memory.
 *   - PostgreSQL (when TEST_DATABASE_URL is set, as .ci/run does): a migrated template database;
 *     each copy is `CREATE DATABASE … TEMPLATE …`.
 * `forEachBackend` runs one suite on every available backend, so the same assertions prove both.
 */

import { afterEach, describe } from "bun:test";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Extensions, PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { type DatabaseBackend, type DatabaseHandle, wrapPglite, wrapPostgres } from "../../src/db/client.ts";
import { migrateDatabase, migrationsFolder } from "../../src/db/migrate.ts";

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const availableBackends: DatabaseBackend[] = testDatabaseUrl ? ["pglite", "postgres"] : ["pglite"];

function migrationsHash(): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(migrationsFolder).sort()) {
    if (name.endsWith(".sql")) hash.update(readFileSync(join(migrationsFolder, name)));
  }
  hash.update(readFileSync(join(migrationsFolder, "meta", "_journal.json")));
  return hash.digest("hex").slice(0, 12);
}

const templateKey = migrationsHash();
const pgliteTemplatePath = join(tmpdir(), `ironclaw-test-template-${templateKey}.tar.gz`);
const postgresTemplateName = `ironclaw_template_${templateKey}`;

let pgliteTemplate: Blob | undefined;

async function ensurePgliteTemplate(): Promise<Blob> {
  if (pgliteTemplate) return pgliteTemplate;
  if (!existsSync(pgliteTemplatePath)) {
    const client = await PGlite.create();
    const handle = await wrapPglite(client, "memory://template");
    await migrateDatabase(handle);
    const dump = await client.dumpDataDir("gzip");
    const temporary = `${pgliteTemplatePath}.${process.pid}`;
    writeFileSync(temporary, new Uint8Array(await dump.arrayBuffer()));
    await Bun.$`mv ${temporary} ${pgliteTemplatePath}`.quiet();
    await handle.close();
  }
  pgliteTemplate = new Blob([readFileSync(pgliteTemplatePath)]);
  return pgliteTemplate;
}

function urlForDatabase(name: string): string {
  const url = new URL(testDatabaseUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
}

let postgresTemplateReady: Promise<void> | undefined;

async function ensurePostgresTemplate(): Promise<void> {
  postgresTemplateReady ??= (async () => {
    const admin = await wrapPostgres(testDatabaseUrl as string, "admin", 1);
    try {
      const rows = await admin.query(sql`select 1 from pg_database where datname = ${postgresTemplateName}`);
      if (rows.length === 0) {
        const building = `${postgresTemplateName}_${process.pid}`;
        await admin.query(sql.raw(`create database "${building}"`));
        const template = await wrapPostgres(urlForDatabase(building), building, 1);
        await migrateDatabase(template);
        await template.close();
        try {
          await admin.query(sql.raw(`alter database "${building}" rename to "${postgresTemplateName}"`));
        } catch (error) {
          // Another test process (npm test runs two) built the same template first: use theirs.
          const built = await admin.query(
            sql`select 1 from pg_database where datname = ${postgresTemplateName}`,
          );
          if (built.length === 0) throw error;
          await admin.query(sql.raw(`drop database if exists "${building}"`));
        }
      }
    } finally {
      await admin.close();
    }
  })();
  return postgresTemplateReady;
}

/** Builds the templates once; called from the test preload. */
export async function prepareTemplates(): Promise<void> {
  await ensurePgliteTemplate();
  if (testDatabaseUrl) await ensurePostgresTemplate();
}

/** A fresh migrated database, private to the caller. Close it when done. */
export async function createTestDatabase(
  backend: DatabaseBackend,
  options: { extensions?: Extensions } = {},
): Promise<DatabaseHandle> {
  if (backend === "pglite") {
    const client = await PGlite.create({
      loadDataDir: await ensurePgliteTemplate(),
      extensions: options.extensions,
    });
    return wrapPglite(client, "memory://test");
  }
  await ensurePostgresTemplate();
  const name = `ironclaw_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = await wrapPostgres(testDatabaseUrl as string, "admin", 1);
  await admin.query(sql.raw(`create database "${name}" template "${postgresTemplateName}"`));
  await admin.close();
  const handle = await wrapPostgres(urlForDatabase(name), name, 4);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = await wrapPostgres(testDatabaseUrl as string, "admin", 1);
      await cleanup.query(sql.raw(`drop database if exists "${name}" with (force)`));
      await cleanup.close();
    },
  };
}

/**
 * Runs `body` once per available backend. `database()` opens a fresh copy for the current test
 * and closes it after the test.
 */
export function forEachBackend(
  title: string,
  body: (context: { backend: DatabaseBackend; database: () => Promise<DatabaseHandle> }) => void,
): void {
  for (const backend of availableBackends) {
    describe(`${title} [${backend}]`, () => {
      const opened: DatabaseHandle[] = [];
      afterEach(async () => {
        for (const handle of opened.splice(0)) await handle.close();
      });
      body({
        backend,
        database: async () => {
          const handle = await createTestDatabase(backend);
          opened.push(handle);
          return handle;
        },
      });
    });
  }
}

/**
 * A second, independent connection pool to the same test database, as another process would have
 * (PostgreSQL only; PGlite is single-process, so the caller shares the handle instead).
 */
export async function openSecondConnection(handle: DatabaseHandle): Promise<DatabaseHandle | undefined> {
  if (handle.backend !== "postgres") return undefined;
  return wrapPostgres(urlForDatabase(handle.location), handle.location, 4);
}
