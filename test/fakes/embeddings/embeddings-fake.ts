/**
 * A wire-level fake of the OpenAI `/v1/embeddings` API (which Ollama and other compatible
 * servers speak too): a Bun.serve server on 127.0.0.1 that embeds with the deterministic local
 * embedder, records every request, and plays scripted faults first (a status with an optional
 * Retry-After, vectors of the wrong dimension, a closed connection via `stop()`).
 */
import { embedLocally } from "../../../src/memory/local-embedder.ts";

export type EmbeddingFault =
  | { fault: "status"; status: number; retryAfter?: string }
  | { fault: "wrong_dimension"; dimension: number };

export interface EmbeddingRequestRecord {
  model: string;
  input: string[];
  authorization: string | null;
}

export interface EmbeddingsFake {
  url: string;
  requests: EmbeddingRequestRecord[];
  /** Faults answered before normal replies, one per request, in order. */
  enqueue(...faults: EmbeddingFault[]): void;
  /** Every later request answers this fault (until `heal()`). */
  breakDown(fault: EmbeddingFault): void;
  heal(): void;
  stop(): Promise<void>;
}

export function startEmbeddingsFake(options: { dimension: number }): EmbeddingsFake {
  const requests: EmbeddingRequestRecord[] = [];
  const faults: EmbeddingFault[] = [];
  let broken: EmbeddingFault | undefined;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method !== "POST" || url.pathname !== "/v1/embeddings") {
        return Response.json({ error: { message: "not found" } }, { status: 404 });
      }
      const body = (await request.json()) as { model: string; input: string | string[] };
      const input = Array.isArray(body.input) ? body.input : [body.input];
      requests.push({ model: body.model, input, authorization: request.headers.get("authorization") });
      const fault = faults.shift() ?? broken;
      if (fault?.fault === "status") {
        const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
        return Response.json(
          { error: { message: `fake: status ${fault.status}`, type: "server_error" } },
          {
            status: fault.status,
            headers,
          },
        );
      }
      const dimension = fault?.fault === "wrong_dimension" ? fault.dimension : options.dimension;
      return Response.json({
        object: "list",
        model: body.model,
        data: input.map((text, index) => ({
          object: "embedding",
          index,
          embedding: embedLocally(text, dimension),
        })),
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    requests,
    enqueue: (...added) => faults.push(...added),
    breakDown: (fault) => {
      broken = fault;
    },
    heal: () => {
      broken = undefined;
    },
    stop: async () => {
      await server.stop(true);
    },
  };
}
