/**
 * Held `tool_build` builds (schema/wasm-tool-builds.ts): stored when the tests pass, read by the
 * approval prompt and by the approved call, deleted when it installs. Holding is insert-or-keep:
 * the first build held for a call is the one whose hash the owner is shown, and a later proposal
 * of the same call never replaces it with other bytes. Rows of calls the owner denied, that
 * expired, or that never reached an approval are swept (at start and before each build); a row
 * younger than `freshMs` is always kept, because the approval row is written just after the hold.
 */
import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { approvals, wasmToolBuilds } from "./schema/index.ts";

export type WasmToolBuildRow = typeof wasmToolBuilds.$inferSelect;
export type NewWasmToolBuild = Omit<typeof wasmToolBuilds.$inferInsert, "createdAt">;
/** A held build without its component bytes (CLI, listings). */
export type WasmToolBuildSummary = Omit<WasmToolBuildRow, "binary">;

const { binary: _binary, ...summaryColumns } = getTableColumns(wasmToolBuilds);

/** Stores a held build unless one is already held for the call (that one stays). */
export async function holdWasmToolBuild(db: Database, values: NewWasmToolBuild): Promise<void> {
  await withDbErrors(() => db.insert(wasmToolBuilds).values(values).onConflictDoNothing());
}

export async function getWasmToolBuild(db: Database, callKey: string): Promise<WasmToolBuildRow | undefined> {
  const [row] = await withDbErrors(() =>
    db.select().from(wasmToolBuilds).where(eq(wasmToolBuilds.callKey, callKey)),
  );
  return row;
}

/** Whether a build is held for the call (no bytes read). */
export async function getWasmToolBuildSummary(
  db: Database,
  callKey: string,
): Promise<WasmToolBuildSummary | undefined> {
  const [row] = await withDbErrors(() =>
    db.select(summaryColumns).from(wasmToolBuilds).where(eq(wasmToolBuilds.callKey, callKey)),
  );
  return row;
}

/** Held builds of a tool name, newest first, without the bytes. */
export function listWasmToolBuilds(db: Database, name: string): Promise<WasmToolBuildSummary[]> {
  return withDbErrors(() =>
    db
      .select(summaryColumns)
      .from(wasmToolBuilds)
      .where(eq(wasmToolBuilds.name, name))
      .orderBy(desc(wasmToolBuilds.createdAt)),
  );
}

/** Deletes the held build of a call (installed, or stale); true when there was one. */
export async function deleteWasmToolBuild(db: Database, callKey: string): Promise<boolean> {
  const deleted = await withDbErrors(() =>
    db
      .delete(wasmToolBuilds)
      .where(eq(wasmToolBuilds.callKey, callKey))
      .returning({ callKey: wasmToolBuilds.callKey }),
  );
  return deleted.length > 0;
}

export interface SweepOptions {
  readonly now: Date;
  /** The tool whose approvals hold builds (`tool_build`). */
  readonly tool: string;
  /** Rows younger than this are kept whatever their approval says. */
  readonly freshMs: number;
  /** An approved call whose install never ran (a crash) keeps its build this long. */
  readonly approvedMs: number;
}

/**
 * Deletes held builds no live approval needs: every approval for the same parameters is denied,
 * expired (or pending past its expiry), or approved longer than `approvedMs` ago — or there is no
 * approval at all. Returns how many rows went.
 */
export async function sweepWasmToolBuilds(db: Database, options: SweepOptions): Promise<number> {
  const fresh = new Date(options.now.getTime() - options.freshMs);
  const approvedSince = new Date(options.now.getTime() - options.approvedMs);
  const live = sql`exists (select 1 from ${approvals} where ${approvals.tool} = ${options.tool}
    and ${approvals.params} = ${wasmToolBuilds.params}
    and ((${approvals.status} = 'pending' and ${approvals.expiresAt} > ${options.now.toISOString()}::timestamptz)
      or (${approvals.status} = 'approved' and ${approvals.decidedAt} > ${approvedSince.toISOString()}::timestamptz)))`;
  const deleted = await withDbErrors(() =>
    db
      .delete(wasmToolBuilds)
      .where(and(lt(wasmToolBuilds.createdAt, fresh), sql`not ${live}`))
      .returning({ callKey: wasmToolBuilds.callKey }),
  );
  return deleted.length;
}
