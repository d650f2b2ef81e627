/**
 * The OpenAI-compatible embeddings client against a wire-level fake: order kept, transient
 * failures retried (honouring Retry-After), permanent ones not, a dead server reported clearly,
 * and answers of the wrong size refused.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createOpenAiEmbedder } from "../../src/memory/openai-embedder.ts";
import { type EmbeddingsFake, startEmbeddingsFake } from "../fakes/embeddings/embeddings-fake.ts";

const fakes: EmbeddingsFake[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});

function setup(dimension = 16) {
  const fake = startEmbeddingsFake({ dimension });
  fakes.push(fake);
  const waits: number[] = [];
  const embedder = createOpenAiEmbedder({
    model: "nomic-embed-text",
    dimension,
    baseUrl: fake.url,
    apiKey: "sk-test",
    maxRetries: 2,
    baseDelayMs: 10,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { fake, embedder, waits };
}

describe("OpenAI-compatible embeddings client", () => {
  test("one request per batch, vectors in input order, the key sent as a bearer token", async () => {
    const { fake, embedder } = setup();
    const vectors = await embedder.embed(["alpha", "beta", "alpha"]);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toEqual(vectors[2] as number[]);
    expect(vectors[0]).not.toEqual(vectors[1] as number[]);
    expect(fake.requests).toEqual([
      { model: "nomic-embed-text", input: ["alpha", "beta", "alpha"], authorization: "Bearer sk-test" },
    ]);
    expect(await embedder.embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  test("429 and 5xx are retried, waiting at least Retry-After", async () => {
    const { fake, embedder, waits } = setup();
    fake.enqueue({ fault: "status", status: 429, retryAfter: "2" }, { fault: "status", status: 502 });
    expect(await embedder.embed(["x"])).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits).toHaveLength(2);
  });

  test("a permanent failure is not retried; retries give up after maxRetries", async () => {
    const { fake, embedder } = setup();
    fake.enqueue({ fault: "status", status: 401 });
    await expect(embedder.embed(["x"])).rejects.toThrow(/answered 401/);
    expect(fake.requests).toHaveLength(1);
    fake.breakDown({ fault: "status", status: 500 });
    await expect(embedder.embed(["x"])).rejects.toThrow(/answered 500/);
    expect(fake.requests).toHaveLength(4);
  });

  test("a server that is down is named; a wrong dimension names the fix", async () => {
    const { fake, embedder } = setup();
    await fake.stop();
    await expect(embedder.embed(["x"])).rejects.toThrow(
      /embedding server at http:\/\/127\.0\.0\.1:\d+\/v1 is unreachable/,
    );
    const other = setup(16);
    other.fake.enqueue({ fault: "wrong_dimension", dimension: 8 });
    await expect(other.embedder.embed(["x"])).rejects.toThrow(
      "returned 8 dimensions, but EMBEDDING_DIMENSION is 16; set EMBEDDING_DIMENSION=8",
    );
  });
});
