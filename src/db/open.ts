/**
 * Start-up path to a ready, migrated database. A real server that does not answer is retried with
 * backoff for DATABASE_CONNECT_TIMEOUT, then start-up fails naming the host (password masked).
 * The embedded PGlite folder (locking, tuning, first creation) is pglite.ts's business.
 */
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Config } from "../config.ts";
import { maskUrl } from "../config-parse.ts";
import { AppError, StartupError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { type DatabaseHandle, wrapPostgres } from "./client.ts";
import { isConnectionError, sqlStateOf } from "./errors.ts";
import { checkSchema, migrateDatabase } from "./migrate.ts";
import { openPglite } from "./pglite.ts";
import { discardPgliteModule } from "./pglite-module.ts";

export interface OpenDatabaseOptions {
  /** Injected for tests: resolves after `ms`. */
  sleep?: (ms: number) => Promise<void>;
}

export async function openDatabase(
  config: Config,
  log: Logger,
  options: OpenDatabaseOptions = {},
): Promise<DatabaseHandle> {
  if (config.database.url) discardPgliteModule(); // main.ts may have started it: not needed
  const handle = config.database.url
    ? await openPostgres(config.database.url, config.database.connectTimeoutMs, log, options)
    : await openPglite(join(config.home, "pgdata"));
  try {
    if (handle.backend === "postgres") {
      // The usual start finds the schema current: no second connection, no advisory lock.
      if ((await checkSchema(handle)) === "behind") {
        const migrator = await wrapPostgres(config.database.url as string, handle.location, 1);
        try {
          await migrateDatabase(migrator);
        } finally {
          await migrator.close();
        }
      }
    } else {
      await migrateDatabase(handle);
    }
  } catch (error) {
    await handle.close();
    if (error instanceof AppError && error.code === "database_schema_too_new") {
      throw new StartupError("database_schema_too_new", error.message, { cause: error });
    }
    throw error;
  }
  log.info("database ready", { backend: handle.backend, location: handle.location });
  return handle;
}

function describePostgresFailure(error: unknown, location: string): string {
  const state = sqlStateOf(error);
  if (state === "28P01" || state === "28000") return `PostgreSQL at ${location} rejected the credentials`;
  if (state === "3D000") return `PostgreSQL at ${location}: the database does not exist`;
  return `PostgreSQL at ${location} failed: ${error instanceof Error ? error.message : String(error)}`;
}

async function openPostgres(
  url: string,
  timeoutMs: number,
  log: Logger,
  options: OpenDatabaseOptions,
): Promise<DatabaseHandle> {
  const location = maskUrl(url);
  const host = (() => {
    try {
      const parsed = new URL(url);
      return `${parsed.hostname}:${parsed.port || "5432"}`;
    } catch {
      return location;
    }
  })();
  const sleep = options.sleep ?? ((ms: number) => Bun.sleep(ms));
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const handle = await wrapPostgres(url, location);
    try {
      await handle.query(sql`select 1`);
      return handle;
    } catch (error) {
      await handle.close().catch(() => {});
      if (!isConnectionError(error)) {
        throw new StartupError("database_unavailable", describePostgresFailure(error, location), {
          cause: error,
        });
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new StartupError(
          "database_unavailable",
          `DATABASE_URL: cannot reach PostgreSQL at ${host} after ${attempt} attempts over ${Math.round(timeoutMs / 1000)} s (${location})`,
          { cause: error },
        );
      }
      log.warn("database not reachable yet, retrying", {
        host,
        attempt,
        retryInMs: Math.min(delay, remaining),
      });
      await sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
