import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createLocalEmbedder } from "../../src/memory/local-embedder.ts";
import { createOpenAiEmbedder } from "../../src/memory/openai-embedder.ts";
import { type EmbeddingsFake, startEmbeddingsFake } from "../fakes/embeddings/embeddings-fake.ts";
import { forEachMemoryBackend } from "./support.ts";

const fakes: EmbeddingsFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});

function fakeEmbedder(dimension = 64, model = "fake-embed") {
  const fake = startEmbeddingsFake({ dimension });
  fakes.push(fake);
  const embedder = createOpenAiEmbedder({
    model,
    dimension,
    baseUrl: fake.url,
    maxRetries: 1,
    baseDelayMs: 1,
    sleep: async () => {},
  });
  return { fake, embedder };
}

const notes: Record<string, string> = {
  "notes/travel.md": "Flight to Lisbon on May 3rd. The hotel is in Alfama, near the castle.",
  "notes/health.md": "Dentist appointment every six months; next one with Dr. Okafor in March.",
  "daily/2026-11-30.md": "Discussed the garden: plant tulips in November, water the roses weekly.",
  "daily/2026-12-01.md": "The owner prefers oat milk in coffee and dislikes early meetings.",
};

forEachMemoryBackend("memory search", ({ memory: openMemory, database }) => {
  test("full text works without any embedder: ranks, snippets with path and position, 0–1 scores", async () => {
    const memory = await openMemory();
    for (const [path, content] of Object.entries(notes)) await memory.write(path, content);
    const result = await memory.search({ query: "dentist appointment" });
    expect(result.mode).toBe("text");
    expect(result.warnings.join()).toContain("vector search is not available");
    expect(result.hits[0]).toMatchObject({ path: "notes/health.md", position: 0, score: 1, textRank: 1 });
    expect(result.hits[0]?.snippet).toContain("Dr. Okafor");
    // websearch syntax: quoted phrase and exclusion.
    expect((await memory.search({ query: '"oat milk" -tulips' })).hits.map((hit) => hit.path)).toEqual([
      "daily/2026-12-01.md",
    ]);
    expect((await memory.search({ query: "the of and" })).hits).toEqual([]); // stop words only
    expect((await memory.search({ query: "') or 1=1; drop table memory_chunks; --" })).hits).toEqual([]);
    expect((await memory.search({ query: "plant" })).hits[0]?.path).toBe("daily/2026-11-30.md");
  });

  test("filters by path prefix and by date", async () => {
    const handle = await database();
    const memory = await openMemory({ handle });
    for (const [path, content] of Object.entries(notes)) await memory.write(path, content);
    await handle.query(
      sql`update memory_documents set updated_at = '2026-01-01T00:00:00Z' where path = 'notes/travel.md'`,
    );
    const everything = "owner OR flight OR dentist OR garden OR milk";
    const daily = await memory.search({ query: everything, pathPrefix: "daily/" });
    expect(daily.hits.map((hit) => hit.path).sort()).toEqual(["daily/2026-11-30.md", "daily/2026-12-01.md"]);
    const recent = await memory.search({
      query: "flight OR dentist",
      since: new Date("2026-06-01T00:00:00Z"),
    });
    expect(recent.hits.map((hit) => hit.path)).toEqual(["notes/health.md"]);
    const old = await memory.search({ query: "flight OR dentist", until: new Date("2026-06-01T00:00:00Z") });
    expect(old.hits.map((hit) => hit.path)).toEqual(["notes/travel.md"]);
    // A prefix with LIKE wildcards matches literally.
    expect((await memory.search({ query: everything, pathPrefix: "d%" })).hits).toEqual([]);
    await expect(memory.search({ query: "x", pathPrefix: "../" })).rejects.toThrow(/not allowed/);
  });

  test("plain words: chunks with all of them first, then chunks with any, each once, filters kept", async () => {
    const memory = await openMemory();
    await memory.write("notes/both.md", "Dentist appointment moved to Friday.");
    await memory.write("notes/dentist.md", "The dentist is Dr. Okafor.");
    await memory.write("daily/appointment.md", "Appointment with the bank at noon.");
    await memory.write("notes/other.md", "Nothing relevant here.");
    const result = await memory.search({ query: "dentist appointment" });
    expect(result.hits[0]).toMatchObject({ path: "notes/both.md", textRank: 1 });
    expect(result.hits.map((hit) => hit.path).sort()).toEqual([
      "daily/appointment.md",
      "notes/both.md",
      "notes/dentist.md",
    ]);
    expect(result.hits.map((hit) => hit.textRank)).toEqual([1, 2, 3]);
    const notes = await memory.search({ query: "dentist appointment", pathPrefix: "notes/" });
    expect(notes.hits.map((hit) => hit.path)).toEqual(["notes/both.md", "notes/dentist.md"]);
  });

  test("hybrid search fuses text and vectors where pgvector exists; text search works where it does not", async () => {
    const { embedder, fake } = fakeEmbedder();
    const memory = await openMemory({ embedder });
    for (const [path, content] of Object.entries(notes)) await memory.write(path, content);
    const status = await memory.status();
    if (!status.vectors.available) {
      const result = await memory.search({ query: "dentist" });
      expect(result.mode).toBe("text");
      expect(result.hits[0]?.path).toBe("notes/health.md");
      return;
    }
    expect(await memory.embedPending()).toBe(4);
    expect(await memory.status()).toMatchObject({ chunks: 4, embedded: 4, model: "fake-embed" });
    // "dentists" shares no lexeme-exact word with a typo like "dentst", but shares trigrams.
    const fuzzy = await memory.search({ query: "dentst apointment" });
    expect(fuzzy.mode).toBe("hybrid");
    expect(fuzzy.hits[0]?.path).toBe("notes/health.md");
    expect(fuzzy.hits[0]?.vectorRank).toBe(1);
    const both = await memory.search({ query: "hotel Lisbon" });
    expect(both.hits[0]).toMatchObject({ path: "notes/travel.md", textRank: 1, vectorRank: 1, score: 1 });
    const vectorOnly = await memory.search({ query: "lisbon", mode: "vector", pathPrefix: "daily/" });
    expect(vectorOnly.hits.every((hit) => hit.path.startsWith("daily/"))).toBe(true);
    // Identical text is embedded once (cache by content hash).
    const requestsBefore = fake.requests.length;
    await memory.write("copy/travel.md", notes["notes/travel.md"] as string);
    expect(await memory.embedPending()).toBe(0);
    expect(fake.requests.length).toBe(requestsBefore);
    expect(
      (await memory.search({ query: "hotel Lisbon" })).hits
        .slice(0, 2)
        .map((hit) => hit.path)
        .sort(),
    ).toEqual(["copy/travel.md", "notes/travel.md"]);
    expect(fake.requests.length).toBe(requestsBefore); // the query's vector is cached too
  });

  test("an embedding server that is down: clear error, text search keeps working, backfill catches up", async () => {
    const { embedder, fake } = fakeEmbedder();
    const memory = await openMemory({ embedder });
    if (!(await memory.status()).vectors.available) return;
    fake.breakDown({ fault: "status", status: 503 });
    await memory.write("notes/health.md", notes["notes/health.md"] as string);
    await expect(memory.embedPending()).rejects.toThrow(/answered 503/);
    expect((await memory.status()).lastEmbeddingError).toContain("503");
    const result = await memory.search({ query: "dentist" });
    expect(result.mode).toBe("text");
    expect(result.warnings.join()).toContain("vector search failed");
    expect(result.hits[0]?.path).toBe("notes/health.md");
    fake.heal();
    expect(await memory.embedPending()).toBe(1);
    expect((await memory.status()).lastEmbeddingError).toBeUndefined();
    expect((await memory.search({ query: "dentist" })).mode).toBe("hybrid");
  });

  test("a server answering the wrong dimension is refused with the fix named, nothing stored", async () => {
    const { embedder, fake } = fakeEmbedder(64);
    const memory = await openMemory({ embedder });
    if (!(await memory.status()).vectors.available) return;
    fake.breakDown({ fault: "wrong_dimension", dimension: 32 });
    await memory.write("a.md", "some text");
    await expect(memory.embedPending()).rejects.toThrow(
      /returned 32 dimensions, but EMBEDDING_DIMENSION is 64/,
    );
    expect((await memory.status()).embedded).toBe(0);
  });

  test("a changed model re-embeds everything and never mixes vectors; a changed dimension rebuilds", async () => {
    const handle = await database();
    const first = await openMemory({
      handle,
      embedder: createLocalEmbedder({ dimension: 32, model: "model-a" }),
    });
    if (!(await first.status()).vectors.available) return;
    await first.write("a.md", "alpha beta");
    await first.write("b.md", "gamma delta");
    expect(await first.embedPending()).toBe(2);
    await first.stop();
    const second = await openMemory({
      handle,
      embedder: createLocalEmbedder({ dimension: 32, model: "model-b" }),
    });
    expect(await second.status()).toMatchObject({ chunks: 2, embedded: 0 });
    const models = await handle.query<{ model: string }>(sql`select distinct model from memory_vectors`);
    expect(models).toEqual([]);
    expect(await second.embedPending()).toBe(2);
    await second.stop();
    const third = await openMemory({
      handle,
      embedder: createLocalEmbedder({ dimension: 48, model: "model-b" }),
    });
    expect(await third.status()).toMatchObject({ embedded: 0 });
    expect(await third.embedPending()).toBe(2);
    expect((await third.search({ query: "alpha", mode: "vector" })).hits[0]?.path).toBe("a.md");
  });
});
