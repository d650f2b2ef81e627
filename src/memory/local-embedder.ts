/**
 * A deterministic embedder that needs no network and no model weights (none ship on npm; see
 * FIELD-NOTES "Embeddings"): each word (lower-cased, crudely stemmed) and each character
 * trigram is hashed into one of `dimension` buckets with a hashed sign, and the vector is
 * L2-normalised. Texts that share words and word-parts land close together, which is enough to
 * exercise every vector code path in tests and benchmarks; it knows no synonyms, so it is no
 * substitute for a real model in use (EMBEDDING_BACKEND=local says so in doctor).
 */
import { createHash } from "node:crypto";
import type { Embedder } from "./embedder.ts";

function bucketOf(feature: string, dimension: number): { index: number; sign: number } {
  const digest = createHash("md5").update(feature).digest();
  return { index: digest.readUInt32LE(0) % dimension, sign: (digest[4] as number) & 1 ? 1 : -1 };
}

function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/u, "");
}

export function embedLocally(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const stemmed = stem(word);
    const wordBucket = bucketOf(`w:${stemmed}`, dimension);
    vector[wordBucket.index] = (vector[wordBucket.index] as number) + 2 * wordBucket.sign;
    const padded = ` ${stemmed} `;
    for (let start = 0; start + 3 <= padded.length; start++) {
      const bucket = bucketOf(`t:${padded.slice(start, start + 3)}`, dimension);
      vector[bucket.index] = (vector[bucket.index] as number) + bucket.sign;
    }
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

export function createLocalEmbedder(options: { dimension?: number; model?: string } = {}): Embedder {
  const dimension = options.dimension ?? 256;
  return {
    model: options.model ?? `local-hash-v1-${dimension}`,
    dimension,
    batchSize: 256,
    embed: async (texts) => texts.map((text) => embedLocally(text, dimension)),
  };
}
