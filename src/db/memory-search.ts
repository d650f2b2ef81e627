/**
 * The two searches hybrid search fuses (src/memory/search.ts): full text over the generated
 * `tsvector` (GIN index, `websearch_to_tsquery`, so quotes, `or` and `-word` work as people
 * expect, plain words match any of them) and nearest vectors by cosine distance (pgvector HNSW).
 * Both honour the same filters (a path prefix and a document date range) and return ranked chunk
 * ids only; `readChunkPassages` then reads path and text of the ~10 hits fusion keeps. Carrying
 * the text of all 100 candidates instead was ~1 ms faster with the benchmark's 60-word chunks but
 * ~7 ms slower with 800-word ones (chunking.ts' default). Documents are joined only when a
 * filter needs them: at 100k chunks joining every match cost the text search ~4 ms of ~12.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { rowsOf } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { vectorLiteral } from "./memory-vectors.ts";

export interface SearchFilters {
  /** Only documents whose path starts with this (already normalised). */
  pathPrefix?: string;
  /** Only documents updated at or after / before these instants. */
  since?: Date;
  until?: Date;
}

export interface ChunkCandidate {
  chunkId: string;
  /** ts_rank_cd for text hits; cosine similarity (1 − distance) for vector hits. */
  score: number;
}

export interface ChunkPassage {
  chunkId: string;
  path: string;
  position: number;
  content: string;
}

const isFiltered = (filters: SearchFilters) => Boolean(filters.pathPrefix || filters.since || filters.until);

/** `memory_chunks c`, joined to its document `d` only when a filter reads a document column. */
function chunksOf(filters: SearchFilters): SQL {
  return isFiltered(filters)
    ? sql`memory_chunks c join memory_documents d on d.id = c.document_id`
    : sql`memory_chunks c`;
}

function filterConditions(filters: SearchFilters): SQL {
  const conditions: SQL[] = [sql`true`];
  if (filters.pathPrefix) {
    const escaped = filters.pathPrefix.replace(/[\\%_]/g, (character) => `\\${character}`);
    conditions.push(sql`d.path like ${`${escaped}%`}`);
  }
  if (filters.since) conditions.push(sql`d.updated_at >= ${filters.since.toISOString()}::timestamptz`);
  if (filters.until) conditions.push(sql`d.updated_at < ${filters.until.toISOString()}::timestamptz`);
  return sql.join(conditions, sql` and `);
}

function candidatesOf(result: unknown): ChunkCandidate[] {
  return rowsOf<ChunkCandidate>(result).map((row) => ({ chunkId: row.chunkId, score: Number(row.score) }));
}

const hasOperators = (query: string) => /"|\bor\b|(^|\s)-\S/i.test(query);

/**
 * Full-text hits for `query`. With search operators (quotes, `or`, `-word`) it is read as
 * web-search syntax. Plain words first must all match (precise, and cheap: few rows to rank);
 * when that finds fewer than `limit`, chunks matching any of the words follow, so "when is my
 * dentist appointment" still finds a note that mentions only the dentist.
 */
export async function searchChunkText(
  db: Database,
  query: string,
  limit: number,
  filters: SearchFilters = {},
): Promise<ChunkCandidate[]> {
  if (hasOperators(query))
    return rankText(db, sql`websearch_to_tsquery('english', ${query})`, limit, filters);
  const strict = sql`plainto_tsquery('english', ${query})`;
  if (!/\S\s+\S/.test(query.trim())) return rankText(db, strict, limit, filters);
  const loose = sql`replace(plainto_tsquery('english', ${query})::text, ' & ', ' | ')::tsquery`;
  return rankText(db, strict, limit, filters, loose);
}

/**
 * How many matches the loose pass ranks: ranking reads every matching row, and a common word
 * matches much of a large memory (100k chunks: p50 68 → 30 ms with this cap, on a loaded
 * 2-core machine). The strict pass is always ranked exactly.
 */
const looseCandidates = 2000;

/**
 * One statement for both passes (one round trip, one plan): the loose pass sits behind a
 * one-time filter on the strict count, so PostgreSQL never runs it when the strict pass filled
 * `limit`; its hits follow the strict ones, without repeating them.
 */
async function rankText(
  db: Database,
  strict: SQL,
  limit: number,
  filters: SearchFilters,
  loose?: SQL,
): Promise<ChunkCandidate[]> {
  const ranked = (tsquery: SQL, candidates?: number) => sql`
    select c.id, ts_rank_cd(c.search, q.query) as score
    from ${chunksOf(filters)}, (select ${tsquery} as query) q
    where c.search @@ q.query and ${filterConditions(filters)}
    ${candidates ? sql`limit ${candidates}` : sql`order by score desc, c.id limit ${limit}`}`;
  const loosePass = loose
    ? sql`, loose as (
        select m.* from (${ranked(loose, looseCandidates)}) m
        where (select count(*) from strict) < ${limit}
        order by m.score desc, m.id
        limit ${limit})`
    : sql``;
  const looseHits = loose
    ? sql`union all select 1, * from loose where id not in (select id from strict)`
    : sql``;
  return withDbErrors(async () =>
    candidatesOf(
      await db.execute(sql`
        with strict as (${ranked(strict)}) ${loosePass}
        select h.id as "chunkId", h.score from (
          select 0 as pass, * from strict ${looseHits}) h
        order by h.pass, h.score desc, h.id
        limit ${limit}`),
    ),
  );
}

/**
 * Nearest chunks to `vector` among `model`'s vectors. The HNSW index yields candidates by
 * distance (`ef_search` raised so a filtered search still finds enough), then the filters apply.
 * `ef_search` is set by `set_config(…, true)` in a one-time filter, not by `SET LOCAL` in a
 * transaction: the index reads it at its first tuple, after that filter ran, and it ends with
 * the statement's own transaction. One statement instead of four, and on PGlite no exclusive
 * lock held across them (test/memory/vector-candidates.test.ts checks it takes effect).
 */
export async function searchChunkVectors(
  db: Database,
  model: string,
  vector: readonly number[],
  limit: number,
  filters: SearchFilters = {},
): Promise<ChunkCandidate[]> {
  const filtered = isFiltered(filters);
  const candidates = filtered ? Math.max(limit * 20, 1000) : Math.max(limit * 2, 100);
  const literal = vectorLiteral(vector);
  return withDbErrors(async () =>
    candidatesOf(
      await db.execute(sql`
        select c.id as "chunkId", 1 - v.distance as score
        from (
          select content_hash, embedding <=> ${literal}::vector as distance
          from memory_vectors
          where model = ${model}
            and (select set_config('hnsw.ef_search', ${String(Math.min(1000, candidates))}, true)) is not null
          order by embedding <=> ${literal}::vector
          limit ${candidates}) v
        join memory_chunks c on c.content_hash = v.content_hash
        ${filtered ? sql`join memory_documents d on d.id = c.document_id` : sql``}
        where ${filterConditions(filters)}
        order by v.distance, c.id
        limit ${limit}`),
    ),
  );
}

/**
 * Path, position and text of `chunkIds`, by chunk id. A chunk deleted since it was ranked (its
 * document rewritten meanwhile) is absent. The path is a per-row subquery on purpose: as a join,
 * the planner hashed every document (a sequential scan) to look up ~10 of them.
 */
export async function readChunkPassages(
  db: Database,
  chunkIds: readonly string[],
): Promise<Map<string, ChunkPassage>> {
  if (chunkIds.length === 0) return new Map();
  const rows = await withDbErrors(async () =>
    rowsOf<ChunkPassage>(
      await db.execute(sql`
        select c.id as "chunkId", c.position, c.content,
          (select d.path from memory_documents d where d.id = c.document_id) as path
        from memory_chunks c
        where c.id = any(${`{${chunkIds.join(",")}}`}::uuid[])`),
    ),
  );
  return new Map(rows.map((row) => [row.chunkId, { ...row, position: Number(row.position) }]));
}
