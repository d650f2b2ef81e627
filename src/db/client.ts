/**
 * Opens the database: postgres.js to a real server when DATABASE_URL is set, otherwise an
 * embedded PGlite in IRONCLAW_HOME. Both are driven through one drizzle pg-core schema, so the
 * rest of the code never knows which one it has.
 */
import type { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema/index.ts";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseBackend = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Database;
  backend: DatabaseBackend;
  /** Where the data lives, safe to print (password masked). */
  location: string;
  /** Runs raw SQL and returns rows, hiding the drivers' different result shapes. */
  query<Row = Record<string, unknown>>(statement: SQL): Promise<Row[]>;
  /**
   * LISTEN on `channel`: `onNotify` gets each payload, `onConnect` runs on every (re)connect (a
   * reconnect may have missed notifications). Resolves to a function that stops listening.
   */
  listen?(
    channel: string,
    onNotify: (payload: string) => void,
    onConnect: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Called once per statement sent to the server (BEGIN and COMMIT included); for benchmarks. */
export type StatementObserver = () => void;

/** postgres.js returns an array-like result; PGlite returns `{ rows }`. */
export function rowsOf<Row>(result: unknown): Row[] {
  if (Array.isArray(result)) return result as Row[];
  const rows = (result as { rows?: unknown }).rows;
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

export async function wrapPglite(
  client: PGlite,
  location: string,
  onClose?: () => Promise<void>,
): Promise<DatabaseHandle> {
  const { drizzle } = await import("drizzle-orm/pglite");
  const db = drizzle({ client, schema }) as unknown as Database;
  return {
    db,
    backend: "pglite",
    location,
    query: async (statement) => rowsOf(await db.execute(statement)),
    listen: async (channel, onNotify, onConnect) => {
      const stop = await client.listen(channel, onNotify);
      onConnect();
      return stop;
    },
    close: async () => {
      if (!client.closed) await client.close();
      await onClose?.();
    },
  };
}

export async function wrapPostgres(
  url: string,
  location: string,
  max = 10,
  onStatement?: StatementObserver,
): Promise<DatabaseHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    ...(onStatement ? { debug: () => onStatement() } : {}),
  });
  const db = drizzle({ client, schema }) as unknown as Database;
  return {
    db,
    backend: "postgres",
    location,
    query: async (statement) => rowsOf(await db.execute(statement)),
    listen: async (channel, onNotify, onConnect) => {
      const { unlisten } = await client.listen(channel, onNotify, onConnect);
      return unlisten;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Readiness probe: resolves when the database answers a trivial query, rejects otherwise. */
export async function pingDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.query(sql`select 1`);
}
