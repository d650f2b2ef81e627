/**
 * What to tell the owner when vectors are off, per backend (doctor and `memory status`): the
 * embedded database ships pgvector, a PostgreSQL server needs the extension installed and
 * created by a role allowed to.
 */
import { sql } from "drizzle-orm";
import type { DatabaseBackend, DatabaseHandle } from "../db/client.ts";

export function pgvectorAdvice(backend: DatabaseBackend): string {
  return backend === "postgres"
    ? "to add vector search: install pgvector on the server (e.g. the postgresql-NN-pgvector package or the pgvector/pgvector image), then run `CREATE EXTENSION vector;` as a superuser in this database and restart IronClaw"
    : "the embedded database ships pgvector; set EMBEDDING_BACKEND (openai, ollama, openai_compatible or local) to turn vector search on";
}

/** One line for `doctor`: whether pgvector can be used here, and how to add it if not. */
export async function describeVectorSupport(
  handle: DatabaseHandle,
  embeddingBackend: unknown,
): Promise<string> {
  const [row] = await handle
    .query<{ version: string | null }>(
      sql`select default_version as version from pg_available_extensions where name = 'vector'`,
    )
    .catch(() => []);
  const embeddings =
    embeddingBackend && embeddingBackend !== "none"
      ? `EMBEDDING_BACKEND=${String(embeddingBackend)}`
      : "EMBEDDING_BACKEND is none: full-text search only";
  if (row?.version) return `pgvector ${row.version} available (${embeddings})`;
  return `pgvector not available, memory search uses full text only; ${pgvectorAdvice(handle.backend)}`;
}
