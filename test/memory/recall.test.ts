/**
 * Hybrid search earns its place on the labelled set (test/fixtures/memory-recall.json): with
 * the deterministic local embedder, fusing text and vector ranks finds at least as many of the
 * relevant documents in the top 10 as either search alone, and nearly all of them.
 */
import { expect, test } from "bun:test";
import { createLocalEmbedder } from "../../src/memory/local-embedder.ts";
import type { SearchMode } from "../../src/memory/search.ts";
import recallSet from "../fixtures/memory-recall.json";
import { forEachMemoryBackend } from "./support.ts";

forEachMemoryBackend("recall on the labelled set", ({ memory: openMemory }) => {
  test("hybrid recall@10 ≥ text-only and vector-only", async () => {
    const memory = await openMemory({ embedder: createLocalEmbedder({ dimension: 256 }) });
    for (const [path, content] of Object.entries(recallSet.documents)) await memory.write(path, content);
    await memory.embedPending();
    const vectors = (await memory.status()).vectors.available;
    const recall = async (mode: SearchMode) => {
      let found = 0;
      let wanted = 0;
      for (const { query, relevant } of recallSet.queries) {
        const hits = (await memory.search({ query, mode, limit: 10 })).hits.map((hit) => hit.path);
        found += relevant.filter((path) => hits.includes(path)).length;
        wanted += relevant.length;
      }
      return found / wanted;
    };
    const text = await recall("text");
    expect(text).toBeGreaterThan(0.85);
    if (!vectors) return;
    const vector = await recall("vector");
    const hybrid = await recall("hybrid");
    expect(hybrid).toBeGreaterThanOrEqual(Math.max(text, vector));
    expect(hybrid).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
