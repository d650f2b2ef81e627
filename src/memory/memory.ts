/**
 * The owner's memory: workspace documents in the database, their chunks, and search over them.
 * One object the host, the memory tools and the CLI share. Creating it enables pgvector when an
 * embedder is configured (and the extension exists), prepares the vector table for the
 * embedder's model and dimension, and starts the background backfill; without either, memory
 * works on full text alone and `status()` says why. Paths and sizes are checked here
 * (paths.ts) before anything reaches the database.
 */
import { workspaceFiles } from "../agent/workspace.ts";
import { announceChange } from "../db/change-feed.ts";
import type { DatabaseHandle } from "../db/client.ts";
import {
  countMemoryChunks,
  type DocumentEntry,
  getMemoryDocument,
  listMemoryDocuments,
  listMemoryVersions,
  type MemoryDocument,
  writeMemoryDocument,
} from "../db/memory-documents.ts";
import {
  countEmbeddedChunks,
  enableVectorExtension,
  prepareMemoryVectors,
  type VectorSupport,
} from "../db/memory-vectors.ts";
import type { Logger } from "../log.ts";
import { type Backfill, createBackfill } from "./backfill.ts";
import { chunkText, hashText } from "./chunking.ts";
import { appendText, dailyNoteEntry, dailyNotePath } from "./daily-notes.ts";
import type { Embedder } from "./embedder.ts";
import { checkDocumentSize, MemoryInputError, normalizeDocumentPath, normalizePathPrefix } from "./paths.ts";
import { type SearchRequest, type SearchResult, searchMemory } from "./search.ts";

export type WriteMode = "replace" | "append";

export interface MemoryStatus {
  documents: number;
  chunks: number;
  embedded: number;
  vectors: VectorSupport;
  model?: string;
  lastEmbeddingError?: string;
}

export interface MemoryOptions {
  database: DatabaseHandle;
  embedder?: Embedder;
  log: Logger;
  /** The owner's timezone (TZ) for daily notes. */
  timezone: string;
  now?: () => Date;
  /** Background embedding (default true); tests and the CLI call `embedPending()` instead. */
  backgroundEmbedding?: boolean;
}

export type Memory = Awaited<ReturnType<typeof createMemory>>;

export async function createMemory(options: MemoryOptions) {
  const { database, embedder, log } = options;
  const db = database.db;
  const now = options.now ?? (() => new Date());
  let vectors: VectorSupport = {
    available: false,
    reason: "no embedding backend configured (EMBEDDING_BACKEND)",
  };
  let backfill: Backfill | undefined;
  const queryVectors = new Map<string, number[]>();

  if (embedder) {
    vectors = await enableVectorExtension(database);
    if (vectors.available) {
      const prepared = await prepareMemoryVectors(database, embedder.model, embedder.dimension);
      if (prepared.rebuilt || prepared.removedOtherModels > 0) {
        log.info("memory vectors reset for a new embedding model or dimension; re-embedding", {
          model: embedder.model,
          dimension: embedder.dimension,
        });
      }
      backfill = createBackfill({ db, embedder, log });
      if (options.backgroundEmbedding !== false) backfill.kick();
    } else {
      log.warn("pgvector is not available: memory search uses full text only", { reason: vectors.reason });
    }
  }
  const searchEmbedder = vectors.available ? embedder : undefined;

  async function embedQuery(query: string): Promise<number[]> {
    const cached = queryVectors.get(query);
    if (cached) return cached;
    const [vector] = await (embedder as Embedder).embed([query]);
    if (queryVectors.size > 200) queryVectors.clear();
    queryVectors.set(query, vector as number[]);
    return vector as number[];
  }

  async function write(path: string, content: string, mode: WriteMode = "replace") {
    const normalized = normalizeDocumentPath(path);
    const existing = mode === "append" ? await getMemoryDocument(db, normalized) : undefined;
    const text = mode === "append" ? appendText(existing?.content ?? "", content) : content;
    checkDocumentSize(normalized, text);
    const result = await writeMemoryDocument(db, {
      path: normalized,
      content: text,
      contentHash: hashText(text),
      chunks: chunkText(text),
    });
    if (result.changed) {
      if (options.backgroundEmbedding !== false) backfill?.kick();
      // The system prompt is cached until one of its files changes (system-prompt.ts).
      if ((workspaceFiles as readonly string[]).includes(normalized))
        await announceChange(db, "memory_documents");
    }
    return { path: normalized, changed: result.changed, bytes: Buffer.byteLength(text, "utf8") };
  }

  return {
    /** The document, or undefined when there is none at `path` (a refused path throws). */
    get: (path: string): Promise<MemoryDocument | undefined> =>
      getMemoryDocument(db, normalizeDocumentPath(path)),
    async read(path: string): Promise<string> {
      const document = await getMemoryDocument(db, normalizeDocumentPath(path));
      if (!document) throw new MemoryInputError(`No memory document "${path}".`);
      return document.content;
    },
    write,
    tree: (prefix?: string): Promise<DocumentEntry[]> => listMemoryDocuments(db, normalizePathPrefix(prefix)),
    async versions(path: string) {
      const document = await getMemoryDocument(db, normalizeDocumentPath(path));
      return document ? listMemoryVersions(db, document.id) : [];
    },
    async search(request: SearchRequest): Promise<SearchResult> {
      const pathPrefix = normalizePathPrefix(request.pathPrefix);
      return searchMemory(
        { db, embedder: searchEmbedder, embedQuery: searchEmbedder ? embedQuery : undefined },
        { ...request, pathPrefix },
      );
    },
    /** `daily/YYYY-MM-DD.md` for `at` in the owner's timezone. */
    dailyNotePath: (at: Date = now()): string => dailyNotePath(at, options.timezone),
    /** Appends an entry to today's daily note (owner's timezone); returns its path. */
    async appendDailyNote(text: string, title?: string, at: Date = now()): Promise<string> {
      const path = dailyNotePath(at, options.timezone);
      await write(path, dailyNoteEntry(at, options.timezone, text, title), "append");
      return path;
    },
    /** Embeds what is pending now (the CLI, tests); 0 without vectors. */
    embedPending: (): Promise<number> => backfill?.runOnce() ?? Promise.resolve(0),
    async status(): Promise<MemoryStatus> {
      const documents = (await listMemoryDocuments(db)).length;
      const counts = searchEmbedder
        ? await countEmbeddedChunks(db, searchEmbedder.model)
        : { chunks: await countMemoryChunks(db), embedded: 0 };
      return {
        documents,
        ...counts,
        vectors,
        ...(embedder ? { model: embedder.model } : {}),
        ...(backfill?.lastError() ? { lastEmbeddingError: backfill.lastError() } : {}),
      };
    },
    stop: async (): Promise<void> => backfill?.stop(),
  };
}
