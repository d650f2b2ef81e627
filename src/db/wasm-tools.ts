/**
 * Installed WASM tools and channels (`kind` tells them apart; one name space): the current row per
 * name (`wasm_tools`) and every version (`wasm_tool_versions`; its manifest's `kind` says which).
 * Installing writes both in one transaction, so a tool is either fully installed (bytes, hash,
 * manifest, history) or not at all. Status changes are compare-and-set:
 * disabling an enabled tool reports whether *this* call turned it off, so "the owner is told once"
 * holds across processes. Every write announces `wasm_tools` on the change feed, so a running
 * assistant reloads its tools when the CLI changes them.
 */
import { and, asc, desc, eq, getTableColumns, max, sql } from "drizzle-orm";
import { announceChange, announceCommitted } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { type WasmToolStatus, wasmTools, wasmToolVersions } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export type WasmToolRow = typeof wasmTools.$inferSelect;
/** A row without its component bytes (listing, doctor). */
export type WasmToolSummary = Omit<WasmToolRow, "binary">;
export type WasmToolVersionRow = Omit<typeof wasmToolVersions.$inferSelect, "binary">;

export interface NewWasmToolVersion {
  name: string;
  /** "tool" or "channel"; default: the manifest's `kind` (absent = tool). */
  kind?: string;
  binary: Uint8Array;
  sha256: string;
  manifest: Record<string, unknown>;
  source?: string | null;
  tests?: unknown[] | null;
}

const { binary: _binary, ...summaryColumns } = getTableColumns(wasmTools);
const { binary: _versionBinary, ...versionColumns } = getTableColumns(wasmToolVersions);

async function announced<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  const result = await inTransaction(db, async (tx) => {
    const value = await work(tx);
    await announceChange(tx, "wasm_tools");
    return value;
  });
  announceCommitted("wasm_tools");
  return result;
}

/**
 * Stores a new version and makes it the current, enabled one; returns the current row (without
 * the bytes). The bytes are sent once: the current row copies them from the version row inside
 * the database (a 1.6 MB component costs ~0.6 s to send to PGlite).
 */
export function saveWasmToolVersion(db: Database, values: NewWasmToolVersion): Promise<WasmToolSummary> {
  return announced(db, async (tx) => {
    const [latest] = await tx
      .select({ version: max(wasmToolVersions.version) })
      .from(wasmToolVersions)
      .where(eq(wasmToolVersions.name, values.name));
    const version = (latest?.version ?? 0) + 1;
    const stored = {
      name: values.name,
      kind: values.kind ?? (values.manifest.kind === "channel" ? "channel" : "tool"),
      version,
      binary: values.binary,
      sha256: values.sha256,
      size: values.binary.byteLength,
      manifest: values.manifest,
      source: values.source ?? null,
    };
    const { kind: _kind, ...versionValues } = stored;
    const [inserted] = await tx
      .insert(wasmToolVersions)
      .values({ ...versionValues, tests: values.tests ?? null })
      .returning({ id: wasmToolVersions.id });
    const now = new Date();
    const { binary: _bytes, ...rest } = stored;
    const copied = sql`(select ${wasmToolVersions.binary} from ${wasmToolVersions} where ${wasmToolVersions.id} = ${inserted?.id})`;
    const [row] = await tx
      .insert(wasmTools)
      .values({ ...rest, binary: copied, status: "enabled", installedAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: wasmTools.name,
        set: {
          ...rest,
          binary: copied,
          status: "enabled",
          disabledReason: null,
          installedAt: now,
          updatedAt: now,
        },
      })
      .returning(summaryColumns);
    return row as WasmToolSummary;
  });
}

export function listWasmTools(db: Database): Promise<WasmToolSummary[]> {
  return withDbErrors(() => db.select(summaryColumns).from(wasmTools).orderBy(asc(wasmTools.name)));
}

export async function getWasmTool(db: Database, name: string): Promise<WasmToolRow | undefined> {
  const [row] = await withDbErrors(() => db.select().from(wasmTools).where(eq(wasmTools.name, name)));
  return row;
}

/** The current row without its bytes (what an install review compares against). */
export async function getWasmToolSummary(db: Database, name: string): Promise<WasmToolSummary | undefined> {
  const [row] = await withDbErrors(() =>
    db.select(summaryColumns).from(wasmTools).where(eq(wasmTools.name, name)),
  );
  return row;
}

/**
 * Sets a tool's status. With `from`, only a row currently in that status changes (compare-and-set);
 * with `sha256`, only a row still holding that version. True when this call changed the row.
 */
export function setWasmToolStatus(
  db: Database,
  name: string,
  status: WasmToolStatus,
  options: { reason?: string | null; from?: WasmToolStatus; sha256?: string } = {},
): Promise<boolean> {
  return announced(db, async (tx) => {
    const changed = await tx
      .update(wasmTools)
      .set({
        status,
        disabledReason: status === "enabled" ? null : (options.reason ?? null),
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(wasmTools.name, name),
          options.from ? eq(wasmTools.status, options.from) : undefined,
          options.sha256 ? eq(wasmTools.sha256, options.sha256) : undefined,
        ),
      )
      .returning({ id: wasmTools.id });
    return changed.length > 0;
  });
}

/** Removes a tool and its history; true when it existed. */
export function deleteWasmTool(db: Database, name: string): Promise<boolean> {
  return announced(db, async (tx) => {
    const deleted = await tx
      .delete(wasmTools)
      .where(eq(wasmTools.name, name))
      .returning({ id: wasmTools.id });
    await tx.delete(wasmToolVersions).where(eq(wasmToolVersions.name, name));
    return deleted.length > 0;
  });
}

/** Every stored version of a tool, newest first, without the bytes. */
export function listWasmToolVersions(db: Database, name: string): Promise<WasmToolVersionRow[]> {
  return withDbErrors(() =>
    db
      .select(versionColumns)
      .from(wasmToolVersions)
      .where(eq(wasmToolVersions.name, name))
      .orderBy(desc(wasmToolVersions.version)),
  );
}
