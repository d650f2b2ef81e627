/**
 * The vector search sets `hnsw.ef_search` inside its one statement (src/db/memory-search.ts), not
 * with SET LOCAL in a transaction. If that setting did not reach the index scan, HNSW would stop
 * at its default of 40 candidates: this asks for 50 among 60 chunks, so fewer than 50 hits means
 * the setting was lost. It must also not outlive the statement (the pool's other connections and
 * PGlite's one session keep the default).
 */
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { readChunkPassages, searchChunkVectors } from "../../src/db/memory-search.ts";
import { createLocalEmbedder, embedLocally } from "../../src/memory/local-embedder.ts";
import { forEachMemoryBackend } from "./support.ts";

forEachMemoryBackend("vector candidates", ({ memory: openMemory, database }) => {
  test("50 nearest of 60 chunks, in distance order, and ef_search back to its default after", async () => {
    const handle = await database();
    const embedder = createLocalEmbedder({ dimension: 32, model: "candidates" });
    const memory = await openMemory({ handle, embedder });
    if (!(await memory.status()).vectors.available) return;
    for (let index = 0; index < 60; index++)
      await memory.write(`notes/${index}.md`, `note ${index} topic ${index * 7}`);
    expect(await memory.embedPending()).toBe(60);
    const hits = await searchChunkVectors(handle.db, "candidates", embedLocally("note topic", 32), 50);
    expect(hits).toHaveLength(50);
    const scores = hits.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const passages = await readChunkPassages(
      handle.db,
      hits.map((hit) => hit.chunkId),
    );
    expect(passages.size).toBe(50);
    expect(passages.get(hits[0]?.chunkId ?? "")?.path).toMatch(/^notes\/\d+\.md$/);
    const [setting] = await handle.query<{ value: string }>(
      sql`select current_setting('hnsw.ef_search') as value`,
    );
    expect(setting?.value).toBe("40");
    const result = await memory.search({ query: "note topic", mode: "vector", limit: 50 });
    expect(result.hits).toHaveLength(50);
  });
});
