/**
 * Chunk embeddings with pgvector, where the extension exists. Migrations cannot create this
 * table (a PostgreSQL server without pgvector, like Debian's, must still migrate), so
 * `prepareMemoryVectors` runs at start: `CREATE EXTENSION IF NOT EXISTS vector`, then the table
 * for the configured dimension with an HNSW cosine index. A table of another dimension (the
 * owner changed EMBEDDING_DIMENSION) is dropped and rebuilt: its vectors cannot be compared with
 * the new ones. Rows are keyed by (chunk content hash, model): identical text is embedded once,
 * and vectors of another model are deleted at start and never read (no mixing).
 */
import { sql } from "drizzle-orm";
import type { Database, DatabaseHandle } from "./client.ts";
import { rowsOf } from "./client.ts";
import { withDbErrors } from "./errors.ts";

/** pgvector's HNSW index takes vectors of at most this many dimensions. */
export const maxIndexedDimension = 2000;

export type VectorSupport = { available: true; version: string } | { available: false; reason: string };

/** Tries to enable pgvector; never throws (no extension = full-text search only). */
export async function enableVectorExtension(handle: DatabaseHandle): Promise<VectorSupport> {
  try {
    await handle.query(sql`create extension if not exists vector`);
    const [row] = await handle.query<{ version: string }>(
      sql`select extversion as version from pg_extension where extname = 'vector'`,
    );
    return { available: true, version: row?.version ?? "unknown" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, reason: message.split("\n")[0] ?? message };
  }
}

async function currentDimension(handle: DatabaseHandle): Promise<number | undefined> {
  const [row] = await handle.query<{ dimension: number }>(
    sql`select atttypmod as dimension from pg_attribute
        where attrelid = to_regclass('memory_vectors') and attname = 'embedding' and not attisdropped`,
  );
  return row ? Number(row.dimension) : undefined;
}

/** Creates (or rebuilds for a new dimension) the vector table and drops other models' vectors. */
export async function prepareMemoryVectors(
  handle: DatabaseHandle,
  model: string,
  dimension: number,
): Promise<{ rebuilt: boolean; removedOtherModels: number }> {
  return withDbErrors(async () => {
    const existing = await currentDimension(handle);
    const rebuilt = existing !== undefined && existing !== dimension;
    if (rebuilt) await handle.query(sql`drop table memory_vectors`);
    await handle.query(
      sql.raw(`create table if not exists memory_vectors (
        content_hash text not null,
        model text not null,
        embedding vector(${Math.trunc(dimension)}) not null,
        created_at timestamptz not null default now(),
        primary key (content_hash, model))`),
    );
    if (dimension <= maxIndexedDimension) {
      await handle.query(
        sql`create index if not exists memory_vectors_embedding on memory_vectors using hnsw (embedding vector_cosine_ops)`,
      );
    }
    const removed = await handle.query(sql`delete from memory_vectors where model <> ${model} returning 1`);
    return { rebuilt, removedOtherModels: removed.length };
  });
}

export function vectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((value) => (Number.isFinite(value) ? value : 0)).join(",")}]`;
}

/** Chunk texts (one per content hash) that have no vector for `model` yet. */
export async function listUnembeddedChunks(
  db: Database,
  model: string,
  limit: number,
): Promise<{ contentHash: string; content: string }[]> {
  return withDbErrors(async () =>
    rowsOf<{ contentHash: string; content: string }>(
      await db.execute(sql`
        select distinct on (c.content_hash) c.content_hash as "contentHash", c.content
        from memory_chunks c
        where not exists (
          select 1 from memory_vectors v where v.content_hash = c.content_hash and v.model = ${model})
        order by c.content_hash
        limit ${limit}`),
    ),
  );
}

export async function storeVectors(
  db: Database,
  model: string,
  rows: readonly { contentHash: string; vector: readonly number[] }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map((row) => sql`(${row.contentHash}, ${model}, ${vectorLiteral(row.vector)}::vector)`),
    sql`, `,
  );
  await withDbErrors(() =>
    db.execute(
      sql`insert into memory_vectors (content_hash, model, embedding) values ${values} on conflict do nothing`,
    ),
  );
}

export interface VectorCounts {
  chunks: number;
  embedded: number;
}

export async function countEmbeddedChunks(db: Database, model: string): Promise<VectorCounts> {
  return withDbErrors(async () => {
    const [row] = rowsOf<{ chunks: number; embedded: number }>(
      await db.execute(sql`
        select count(*)::int as chunks,
          count(*) filter (where exists (
            select 1 from memory_vectors v where v.content_hash = c.content_hash and v.model = ${model}))::int as embedded
        from memory_chunks c`),
    );
    return { chunks: Number(row?.chunks ?? 0), embedded: Number(row?.embedded ?? 0) };
  });
}
