/**
 * Hybrid search: the top 50 chunks by full text and the top 50 by vector similarity, fused by
 * reciprocal rank (fusion.ts), scores 0–1, each hit a snippet with its document path and chunk
 * position. Vectors are optional: without an embedder, without pgvector, or when the embedding
 * server fails for this query, the search runs on text alone and says so in `warnings`, so a
 * broken embedding server never makes memory unsearchable.
 */
import type { Database } from "../db/client.ts";
import {
  type ChunkCandidate,
  readChunkPassages,
  type SearchFilters,
  searchChunkText,
  searchChunkVectors,
} from "../db/memory-search.ts";
import { describeError } from "../errors.ts";
import type { Embedder } from "./embedder.ts";
import { fuseRankings } from "./fusion.ts";

export type SearchMode = "hybrid" | "text" | "vector";

export interface SearchRequest extends SearchFilters {
  query: string;
  /** Hits returned (default 10, at most 50). */
  limit?: number;
  mode?: SearchMode;
}

export interface SearchHit {
  path: string;
  /** 0-based chunk position in the document. */
  position: number;
  snippet: string;
  /** 0–1: fused reciprocal-rank score. */
  score: number;
  textRank?: number;
  vectorRank?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** What actually ran (a hybrid request without vectors runs as text). */
  mode: SearchMode;
  warnings: string[];
}

export const candidatesPerList = 50;

export interface SearchDependencies {
  db: Database;
  /** Present only when vectors are usable (an embedder and pgvector). */
  embedder?: Embedder;
  /** Cached query embedding (search.ts does not cache; memory.ts passes a cached embed). */
  embedQuery?: (query: string) => Promise<number[]>;
}

/** Up to ~400 characters of `content` around the first query word found in it. */
export function snippetOf(content: string, query: string, length = 400): string {
  if (content.length <= length) return content;
  const lower = content.toLowerCase();
  const words = query.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  const found = words.map((word) => lower.indexOf(word)).filter((index) => index >= 0);
  const at = found.length > 0 ? Math.min(...found) : 0;
  const start = Math.max(0, at - Math.floor(length / 4));
  const text = content.slice(start, start + length).trim();
  return `${start > 0 ? "…" : ""}${text}${start + length < content.length ? "…" : ""}`;
}

export async function searchMemory(
  dependencies: SearchDependencies,
  request: SearchRequest,
): Promise<SearchResult> {
  const limit = Math.min(candidatesPerList, Math.max(1, request.limit ?? 10));
  const warnings: string[] = [];
  const wanted = request.mode ?? "hybrid";
  const filters: SearchFilters = {
    pathPrefix: request.pathPrefix,
    since: request.since,
    until: request.until,
  };
  const { embedder, embedQuery } = dependencies;
  const text = (): Promise<ChunkCandidate[]> =>
    searchChunkText(dependencies.db, request.query, candidatesPerList, filters);
  // Both searches start at once: the query's embedding (a network call) overlaps the text search.
  const [textHits, vectorHits] = await Promise.all([
    wanted !== "vector" ? text() : undefined,
    wanted !== "text" && embedder && embedQuery
      ? (async () => {
          try {
            const vector = await embedQuery(request.query);
            return await searchChunkVectors(
              dependencies.db,
              embedder.model,
              vector,
              candidatesPerList,
              filters,
            );
          } catch (error) {
            warnings.push(`vector search failed (${describeError(error)}); searched text only`);
            return undefined;
          }
        })()
      : undefined,
  ]);
  if (wanted !== "text" && !(embedder && embedQuery)) {
    warnings.push(
      "vector search is not available (no embeddings configured or no pgvector); searched text only",
    );
  }
  const lists: ChunkCandidate[][] = [];
  let textIndex = textHits ? lists.push(textHits) - 1 : undefined;
  const vectorIndex = vectorHits ? lists.push(vectorHits) - 1 : undefined;
  if (lists.length === 0) textIndex = lists.push(await text()) - 1;
  const mode: SearchMode =
    textIndex !== undefined && vectorIndex !== undefined
      ? "hybrid"
      : vectorIndex !== undefined
        ? "vector"
        : "text";
  const fused = fuseRankings(lists.map((list) => list.map((hit) => ({ id: hit.chunkId })))).slice(0, limit);
  // Text only for the hits shown: 10 passages, not the 100 candidates both lists ranked.
  const passages = await readChunkPassages(
    dependencies.db,
    fused.map((entry) => entry.item.id),
  );
  const hits = fused.flatMap((entry) => {
    const passage = passages.get(entry.item.id);
    if (!passage) return [];
    const textRank = textIndex !== undefined ? entry.ranks[textIndex] : undefined;
    const vectorRank = vectorIndex !== undefined ? entry.ranks[vectorIndex] : undefined;
    return [
      {
        path: passage.path,
        position: passage.position,
        snippet: snippetOf(passage.content, request.query),
        score: Number(entry.score.toFixed(4)),
        ...(textRank ? { textRank } : {}),
        ...(vectorRank ? { vectorRank } : {}),
      },
    ];
  });
  return { hits, mode, warnings };
}
