/**
 * Memory search benchmark: p50/p95 latency of full-text, vector and hybrid search at 10k and
 * 100k chunks, the time to load them and to build the HNSW index, and recall@10 of hybrid vs
 * text-only vs vector-only on the labelled set in test/fixtures/memory-recall.json (local
 * deterministic embedder). Embedded PGlite (with pgvector) by default; PostgreSQL when
 * BENCH_DATABASE_URL is set (vector parts are skipped when the server has no pgvector).
 * Synthetic chunks are ~60 words from a 5000-word vocabulary with random unit vectors; query
 * embedding time is excluded (it is the embedding server's).
 *
 *   bun scripts/bench/memory-search.ts [sizes=10000,100000] [dimension=256]
 *   BENCH_DATABASE_URL=postgres://… bun scripts/bench/memory-search.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, wrapPglite, wrapPostgres } from "../../src/db/client.ts";
import { storeVectors } from "../../src/db/memory-vectors.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { silentLogger } from "../../src/log.ts";
import { createLocalEmbedder } from "../../src/memory/local-embedder.ts";
import { createMemory } from "../../src/memory/memory.ts";
import { type SearchMode, searchMemory } from "../../src/memory/search.ts";

const sizes = (process.argv[2] ?? "10000,100000").split(",").map(Number);
const dimension = Number(process.argv[3] ?? 256);
const queriesPerMode = 100;

let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const vocabulary = Array.from(
  { length: 5000 },
  (_, index) => `w${index.toString(36)}x${(index * 7919) % 997}`,
);
const word = () => vocabulary[Math.floor(random() ** 2 * vocabulary.length)] as string;
function unitVector(): number[] {
  const values = Array.from({ length: dimension }, () => random() * 2 - 1);
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

async function openDatabase(): Promise<DatabaseHandle> {
  const url = process.env.BENCH_DATABASE_URL;
  const handle = url
    ? await wrapPostgres(url, "bench")
    : await wrapPglite(await PGlite.create({ extensions: { vector } }), "memory://bench");
  await migrateDatabase(handle);
  if (url) await handle.query(sql`drop table if exists memory_vectors; truncate memory_documents cascade`);
  return handle;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function loadChunks(handle: DatabaseHandle, count: number, withVectors: boolean) {
  const perDocument = 10;
  const batch = 500;
  const hashes: string[] = [];
  const [, loadMs] = await time(async () => {
    for (let start = 0; start < count; start += batch) {
      const documents = Math.ceil(Math.min(batch, count - start) / perDocument);
      const rows = await handle.query<{ id: string }>(
        sql`insert into memory_documents (path, content, content_hash)
            select 'bench/' || ${start} || '-' || g || '.md', '', md5(${start}::text || g) from generate_series(1, ${documents}) g
            returning id`,
      );
      const values = [];
      for (let index = 0; index < Math.min(batch, count - start); index++) {
        const text = Array.from({ length: 60 }, word).join(" ");
        const hash = `h${start + index}`;
        hashes.push(hash);
        values.push(
          sql`(${rows[Math.floor(index / perDocument)]?.id}::uuid, ${index % perDocument}, ${text}, ${hash})`,
        );
      }
      await handle.query(
        sql`insert into memory_chunks (document_id, position, content, content_hash) values ${sql.join(values, sql`, `)}`,
      );
    }
  });
  let vectorLoadMs = 0;
  let indexMs = 0;
  if (withVectors) {
    await handle.query(sql`drop index if exists memory_vectors_embedding`);
    [, vectorLoadMs] = await time(async () => {
      for (let start = 0; start < hashes.length; start += batch) {
        await storeVectors(
          handle.db,
          "bench",
          hashes.slice(start, start + batch).map((contentHash) => ({ contentHash, vector: unitVector() })),
        );
      }
    });
    [, indexMs] = await time(() =>
      handle.query(
        sql`create index memory_vectors_embedding on memory_vectors using hnsw (embedding vector_cosine_ops)`,
      ),
    );
    await handle.query(sql`analyze`);
  }
  return { loadMs, vectorLoadMs, indexMs };
}

async function measureSize(count: number): Promise<void> {
  const handle = await openDatabase();
  const probe = createLocalEmbedder({ dimension, model: "bench" });
  const memory = await createMemory({
    database: handle,
    embedder: probe,
    log: silentLogger,
    timezone: "UTC",
    backgroundEmbedding: false,
  });
  const vectors = (await memory.status()).vectors.available;
  const loaded = await loadChunks(handle, count, vectors);
  console.log(
    `${handle.backend} ${count} chunks: load ${(loaded.loadMs / 1000).toFixed(1)} s (text + GIN)` +
      (vectors
        ? `, vectors ${(loaded.vectorLoadMs / 1000).toFixed(1)} s, HNSW build ${(loaded.indexMs / 1000).toFixed(1)} s (dim ${dimension})`
        : ", no pgvector"),
  );
  const modes: SearchMode[] = vectors ? ["text", "vector", "hybrid"] : ["text"];
  for (const mode of modes) {
    const samples: number[] = [];
    for (let index = 0; index < queriesPerMode + 5; index++) {
      const query = `${word()} ${word()}`;
      const queryVector = unitVector();
      const [, elapsed] = await time(() =>
        searchMemory(
          { db: handle.db, embedder: vectors ? probe : undefined, embedQuery: async () => queryVector },
          { query, mode, limit: 10 },
        ),
      );
      if (index >= 5) samples.push(elapsed); // the first few warm caches
    }
    console.log(
      `  ${mode.padEnd(6)} p50 ${percentile(samples, 0.5).toFixed(1)} ms  p95 ${percentile(samples, 0.95).toFixed(1)} ms`,
    );
  }
  await memory.stop();
  await handle.close();
}

interface RecallSet {
  documents: Record<string, string>;
  queries: { query: string; relevant: string[] }[];
}

async function measureRecall(): Promise<void> {
  const set = JSON.parse(
    readFileSync(join(import.meta.dir, "../../test/fixtures/memory-recall.json"), "utf8"),
  ) as RecallSet;
  const handle = await openDatabase();
  const memory = await createMemory({
    database: handle,
    embedder: createLocalEmbedder({ dimension }),
    log: silentLogger,
    timezone: "UTC",
    backgroundEmbedding: false,
  });
  for (const [path, content] of Object.entries(set.documents)) await memory.write(path, content);
  await memory.embedPending();
  const vectors = (await memory.status()).vectors.available;
  const line: string[] = [];
  for (const mode of (vectors ? ["text", "vector", "hybrid"] : ["text"]) as SearchMode[]) {
    let found = 0;
    let wanted = 0;
    for (const { query, relevant } of set.queries) {
      const hits = (await memory.search({ query, mode, limit: 10 })).hits.map((hit) => hit.path);
      found += relevant.filter((path) => hits.includes(path)).length;
      wanted += relevant.length;
    }
    line.push(`${mode} ${(found / wanted).toFixed(3)}`);
  }
  console.log(`recall@10 on ${set.queries.length} labelled queries (local embedder): ${line.join(", ")}`);
  await memory.stop();
  await handle.close();
}

await measureRecall();
for (const size of sizes) await measureSize(size);
