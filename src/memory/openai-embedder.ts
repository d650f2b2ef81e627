/**
 * Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM, LM
 * Studio, …) through the official SDK. Retried like LLM calls (src/llm/retry.ts): transient
 * failures (429, 5xx, connection refused, timeouts) back off exponentially with jitter and honour
 * Retry-After; anything else fails at once. Every answer is checked for count and dimension, so a
 * server that switched models cannot slip a wrong-sized vector into the index.
 */
import type OpenAI from "openai";
import { parseRetryAfter } from "../llm/errors.ts";
import { computeBackoffMs, type Sleep, sleepUnlessAborted } from "../llm/retry.ts";
import { checkVectors, type Embedder, EmbeddingError } from "./embedder.ts";

export interface OpenAiEmbedderOptions {
  model: string;
  dimension: number;
  baseUrl: string;
  apiKey?: string;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Extra attempts after the first (default 3). */
  maxRetries?: number;
  /** Ask the server for `dimension` (OpenAI's text-embedding-3 models accept it; default false). */
  sendDimensions?: boolean;
  timeoutMs?: number;
  sleep?: Sleep;
  baseDelayMs?: number;
  fetch?: typeof fetch;
}

function classify(error: unknown, baseUrl: string, OpenAI: OpenAiModule): EmbeddingError {
  if (error instanceof EmbeddingError) return error;
  if (error instanceof OpenAI.APIConnectionError) {
    return new EmbeddingError(
      `the embedding server at ${baseUrl} is unreachable (${error.message})`,
      true,
      error,
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const transient = status === 408 || status === 409 || status === 429 || status >= 500;
    return new EmbeddingError(
      `the embedding server at ${baseUrl} answered ${status}: ${error.message}`,
      transient,
      error,
    );
  }
  return new EmbeddingError(`embedding failed: ${String(error)}`, false, error);
}

type OpenAiModule = typeof OpenAI;

export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  // The SDK (~16 MB) is imported on the first embedding, not when the process starts.
  let client: Promise<{ sdk: OpenAI; OpenAI: OpenAiModule }> | undefined;
  const connect = () => {
    client ??= import("openai").then(({ default: OpenAI }) => ({
      OpenAI,
      sdk: new OpenAI({
        apiKey: options.apiKey ?? "not-needed",
        baseURL: options.baseUrl,
        maxRetries: 0,
        timeout: options.timeoutMs ?? 60_000,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    }));
    return client;
  };
  const maxRetries = options.maxRetries ?? 3;
  const sleep = options.sleep ?? sleepUnlessAborted;
  const embedder: Embedder = {
    model: options.model,
    dimension: options.dimension,
    batchSize: options.batchSize ?? 64,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const { sdk, OpenAI } = await connect();
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await sdk.embeddings.create(
            {
              model: options.model,
              input: [...texts],
              encoding_format: "float",
              ...(options.sendDimensions ? { dimensions: options.dimension } : {}),
            },
            { signal },
          );
          const ordered = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
          return checkVectors(embedder, texts, ordered);
        } catch (error) {
          const failure = classify(error, options.baseUrl, OpenAI);
          if (!failure.transient || attempt >= maxRetries || signal?.aborted) throw failure;
          const headers = error instanceof OpenAI.APIError ? error.headers : undefined;
          const backoff = computeBackoffMs(attempt, Math.random, { baseDelayMs: options.baseDelayMs });
          await sleep(Math.max(backoff, parseRetryAfter(headers) ?? 0), signal);
        }
      }
    },
  };
  return embedder;
}
