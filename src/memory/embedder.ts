/**
 * The one interface every embedding backend implements. `model` names what produced a vector:
 * vectors of different models are never compared (src/db/memory-vectors.ts keys them by model),
 * so changing EMBEDDING_MODEL re-embeds instead of mixing. `embed` returns one vector of
 * `dimension` numbers per input, in order, or throws an `EmbeddingError`.
 */
import { AppError } from "../errors.ts";

export interface Embedder {
  /** e.g. `text-embedding-3-small`, `nomic-embed-text`, `local-hash-v1`. */
  readonly model: string;
  readonly dimension: number;
  /** How many texts one request may carry. */
  readonly batchSize: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** The embedding backend failed or answered something unusable; text search keeps working. */
export class EmbeddingError extends AppError {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, cause?: unknown) {
    super("tool_failed", message, { cause });
    this.transient = transient;
  }
}

/** Checks a backend's answer: as many vectors as texts, each of the configured dimension. */
export function checkVectors(embedder: Embedder, texts: readonly string[], vectors: number[][]): number[][] {
  if (vectors.length !== texts.length) {
    throw new EmbeddingError(
      `the embedding server returned ${vectors.length} vectors for ${texts.length} texts`,
      false,
    );
  }
  for (const vector of vectors) {
    if (vector.length !== embedder.dimension) {
      throw new EmbeddingError(
        `the embedding model ${embedder.model} returned ${vector.length} dimensions, but EMBEDDING_DIMENSION is ${embedder.dimension}; set EMBEDDING_DIMENSION=${vector.length} or choose another model`,
        false,
      );
    }
    if (!vector.every(Number.isFinite)) {
      throw new EmbeddingError(`the embedding model ${embedder.model} returned a non-numeric vector`, false);
    }
  }
  return vectors;
}
