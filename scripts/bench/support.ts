/** Shared benchmark set-up: the database to measure on, a throwaway home, a zero-latency LLM. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type Config, loadConfig } from "../../src/config.ts";
import { type DatabaseHandle, wrapPglite, wrapPostgres } from "../../src/db/client.ts";
import { migrateDatabase } from "../../src/db/migrate.ts";
import type { ChatRequest, LlmClient } from "../../src/llm/types.ts";

/** In-memory PGlite, or PostgreSQL when BENCH_DATABASE_URL is set; migrated. */
export async function openBenchDatabase(): Promise<DatabaseHandle> {
  const url = process.env.BENCH_DATABASE_URL;
  const handle = url
    ? await wrapPostgres(url, "bench")
    : await wrapPglite(await PGlite.create(), "memory://bench");
  await migrateDatabase(handle);
  return handle;
}

/** Configuration with a fresh IRONCLAW_HOME in the temp folder. */
export function benchConfig(env: Record<string, string> = {}): Config {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-bench-"));
  return loadConfig({
    env: { IRONCLAW_HOME: home, ...env },
    file: { path: join(home, "x.toml"), values: {}, warnings: [] },
  });
}

/** A zero-latency in-process LLM: answers `text` at once and shows each request to `onRequest`. */
export function instantLlm(text: string, onRequest: (request: ChatRequest) => void = () => {}): LlmClient {
  return {
    label: "bench:instant",
    async chat(request: ChatRequest) {
      onRequest(request);
      request.onTextDelta?.(text);
      return {
        text,
        toolCalls: [],
        finishReason: "stop",
        usage: { inputTokens: 1, outputTokens: 1 },
        provider: "bench",
        model: "bench",
        latencyMs: 0,
      };
    },
  };
}
