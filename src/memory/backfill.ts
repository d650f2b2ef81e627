/**
 * Embeds chunks in the background. A write never waits for the embedding server: its chunks
 * are searchable by text at once and get their vectors here, batch by batch, shortly after. A
 * failure (server down, wrong dimension) is logged once per kind and retried with backoff up to
 * five minutes apart; search keeps working on text meanwhile and `status` shows the last error.
 */
import type { Database } from "../db/client.ts";
import { listUnembeddedChunks, storeVectors } from "../db/memory-vectors.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Embedder } from "./embedder.ts";

export interface Backfill {
  /** Asks for a run soon (after writes). */
  kick(): void;
  /** Embeds everything pending now; resolves to how many texts were embedded. Throws on failure. */
  runOnce(): Promise<number>;
  lastError(): string | undefined;
  stop(): Promise<void>;
}

export interface BackfillOptions {
  db: Database;
  embedder: Embedder;
  log: Logger;
  /** Delay before a kicked run (default 200 ms), so a burst of writes is embedded together. */
  debounceMs?: number;
  /** First retry delay after a failure (default 5 s), doubled up to 5 min. */
  retryMs?: number;
}

export function createBackfill(options: BackfillOptions): Backfill {
  const { db, embedder, log } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;
  let failures = 0;
  let lastError: string | undefined;
  let stopped = false;
  const controller = new AbortController();

  async function embedPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const pending = await listUnembeddedChunks(db, embedder.model, embedder.batchSize);
      if (pending.length === 0 || stopped) return total;
      const vectors = await embedder.embed(
        pending.map((chunk) => chunk.content),
        controller.signal,
      );
      await storeVectors(
        db,
        embedder.model,
        pending.map((chunk, index) => ({
          contentHash: chunk.contentHash,
          vector: vectors[index] as number[],
        })),
      );
      total += pending.length;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      runOnce().catch(() => {}); // recorded and logged inside
    }, delayMs);
    timer.unref?.();
  }

  async function runOnce(): Promise<number> {
    if (running) return running;
    running = (async () => {
      try {
        const count = await embedPending();
        failures = 0;
        lastError = undefined;
        return count;
      } catch (error) {
        const message = describeError(error);
        if (message !== lastError)
          log.warn("memory embedding failed; text search still works", { error: message });
        lastError = message;
        failures++;
        schedule(Math.min(300_000, (options.retryMs ?? 5000) * 2 ** (failures - 1)));
        throw error;
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    kick: () => schedule(options.debounceMs ?? 200),
    runOnce,
    lastError: () => lastError,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      controller.abort();
      await running?.catch(() => {});
    },
  };
}
