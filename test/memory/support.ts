/**
 * Memory tests' databases: the shared migrated template (test/support/db.ts), with the pgvector
 * extension loaded on PGlite (as the assistant loads it when embeddings are configured). On a
 * PostgreSQL test server vectors exist only if the server has pgvector; tests read
 * `status().vectors` and assert what that backend must do either way.
 */
import { afterEach, describe } from "bun:test";
import { vector } from "@electric-sql/pglite-pgvector";
import type { DatabaseBackend, DatabaseHandle } from "../../src/db/client.ts";
import { silentLogger } from "../../src/log.ts";
import type { Embedder } from "../../src/memory/embedder.ts";
import { createMemory, type Memory } from "../../src/memory/memory.ts";
import { availableBackends, createTestDatabase } from "../support/db.ts";

export function openMemoryDatabase(backend: DatabaseBackend): Promise<DatabaseHandle> {
  return createTestDatabase(backend, backend === "pglite" ? { extensions: { vector } } : {});
}

export interface MemoryTestContext {
  backend: DatabaseBackend;
  database(): Promise<DatabaseHandle>;
  memory(options?: {
    embedder?: Embedder;
    timezone?: string;
    now?: () => Date;
    handle?: DatabaseHandle;
  }): Promise<Memory>;
}

/** Like forEachBackend, with pgvector on PGlite and memories stopped after each test. */
export function forEachMemoryBackend(title: string, body: (context: MemoryTestContext) => void): void {
  for (const backend of availableBackends) {
    describe(`${title} [${backend}]`, () => {
      const handles: DatabaseHandle[] = [];
      const memories: Memory[] = [];
      afterEach(async () => {
        for (const memory of memories.splice(0)) await memory.stop();
        for (const handle of handles.splice(0)) await handle.close();
      });
      const database = async () => {
        const handle = await openMemoryDatabase(backend);
        handles.push(handle);
        return handle;
      };
      body({
        backend,
        database,
        memory: async (options = {}) => {
          const memory = await createMemory({
            database: options.handle ?? (await database()),
            embedder: options.embedder,
            log: silentLogger,
            timezone: options.timezone ?? "UTC",
            now: options.now,
            backgroundEmbedding: false,
          });
          memories.push(memory);
          return memory;
        },
      });
    });
  }
}
