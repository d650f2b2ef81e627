/**
 * The two searches hybrid search fuses (src/memory/search.ts): full text over the generated
 * `tsvector` (GIN index, `websearch_to_tsquery`, so quotes, `or` and `-word` work as people
 * expect, plain words match any of them) and nearest vectors by cosine distance (pgvector HNSW). Both return ranked chunks
 * with their document path and position and honour the same filters: a path prefix and a
 * document date range.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { rowsOf } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { vectorLiteral } from "./memory-vectors.ts";
import { inTransaction } from "./transaction.ts";

export interface SearchFilters {
  /** Only documents whose path starts with this (already normalised). */
  pathPrefix?: string;
  /** Only documents updated at or after / before these instants. */
  since?: Date;
  until?: Date;
}

export interface ChunkHit {
  chunkId: string;
  path: string;
  position: number;
  content: string;
  updatedAt: Date;
  /** ts_rank_cd for text hits; cosine similarity (1 − distance) for vector hits. */
  score: number;
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

function hitsOf(result: unknown): ChunkHit[] {
  return rowsOf<ChunkHit>(result).map((row) => ({
    ...row,
    position: Number(row.position),
    score: Number(row.score),
    updatedAt: new Date(row.updatedAt),
  }));
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
): Promise<ChunkHit[]> {
  if (hasOperators(query))
    return rankText(db, sql`websearch_to_tsquery('english', ${query})`, limit, filters);
  const strict = await rankText(db, sql`plainto_tsquery('english', ${query})`, limit, filters);
  if (strict.length >= limit || !/\S\s+\S/.test(query.trim())) return strict;
  const loose = await rankText(
    db,
    sql`replace(plainto_tsquery('english', ${query})::text, ' & ', ' | ')::tsquery`,
    limit,
    filters,
    looseCandidates,
  );
  const seen = new Set(strict.map((hit) => hit.chunkId));
  return [...strict, ...loose.filter((hit) => !seen.has(hit.chunkId))].slice(0, limit);
}

/**
 * How many matches the loose pass ranks: ranking reads every matching row, and a common word
 * matches much of a large memory (100k chunks: p50 68 → 30 ms with this cap, on a loaded
 * 2-core machine). The strict pass is always ranked exactly.
 */
const looseCandidates = 2000;

async function rankText(
  db: Database,
  tsquery: SQL,
  limit: number,
  filters: SearchFilters,
  candidates?: number,
): Promise<ChunkHit[]> {
  return withDbErrors(async () =>
    hitsOf(
      await db.execute(sql`
        select m."chunkId", m.path, m.position, m.content, m."updatedAt",
          ts_rank_cd(m.search, m.query) as score
        from (
          select c.id as "chunkId", d.path, c.position, c.content, d.updated_at as "updatedAt",
            c.search, q.query
          from memory_chunks c
          join memory_documents d on d.id = c.document_id,
            (select ${tsquery} as query) q
          where c.search @@ q.query and ${filterConditions(filters)}
          ${candidates ? sql`limit ${candidates}` : sql``}) m
        order by score desc, m."chunkId"
        limit ${limit}`),
    ),
  );
}

/**
 * Nearest chunks to `vector` among `model`'s vectors. The HNSW index yields candidates by
 * distance (`ef_search` raised so a filtered search still finds enough), then the filters apply.
 */
export async function searchChunkVectors(
  db: Database,
  model: string,
  vector: readonly number[],
  limit: number,
  filters: SearchFilters = {},
): Promise<ChunkHit[]> {
  const filtered = Boolean(filters.pathPrefix || filters.since || filters.until);
  const candidates = filtered ? Math.max(limit * 20, 1000) : Math.max(limit * 2, 100);
  const literal = vectorLiteral(vector);
  return inTransaction(db, async (tx) => {
    await tx.execute(sql.raw(`set local hnsw.ef_search = ${Math.min(1000, candidates)}`));
    return hitsOf(
      await tx.execute(sql`
        select c.id as "chunkId", d.path, c.position, c.content, d.updated_at as "updatedAt",
          1 - v.distance as score
        from (
          select content_hash, embedding <=> ${literal}::vector as distance
          from memory_vectors where model = ${model}
          order by embedding <=> ${literal}::vector
          limit ${candidates}) v
        join memory_chunks c on c.content_hash = v.content_hash
        join memory_documents d on d.id = c.document_id
        where ${filterConditions(filters)}
        order by v.distance, c.id
        limit ${limit}`),
    );
  });
}
