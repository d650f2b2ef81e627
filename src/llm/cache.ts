/**
 * In-memory response cache: identical prompts (heartbeat checks, repeated questions) should not
 * cost a second LLM call within the hour.
 *
 * - Key: SHA-256 of model + messages + max tokens + temperature + stop sequences.
 * - Requests that offer tools are never cached: their answers start actions whose results
 *   depend on the world right now, not on the prompt alone.
 * - 1,000 entries, 1 h TTL, least-recently-used eviction (a Map keeps insertion order; a hit
 *   re-inserts its entry at the end). Expired entries are pruned whenever one is inserted.
 * - A hit is returned with `cached: true`; a streaming caller still gets its text, in one delta.
 * Errors are never cached.
 */
import { createHash } from "node:crypto";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export interface ResponseCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

export interface CachedLlmClient extends LlmClient {
  readonly size: number;
}

interface Entry {
  response: ChatResponse;
  expiresAt: number;
}

export function cacheKey(model: string, request: ChatRequest): string {
  const material = JSON.stringify({
    model,
    messages: request.messages,
    maxTokens: request.maxTokens ?? null,
    temperature: request.temperature ?? null,
    stop: request.stop ?? [],
  });
  return createHash("sha256").update(material).digest("hex");
}

export function withResponseCache(client: LlmClient, options: ResponseCacheOptions = {}): CachedLlmClient {
  const maxEntries = options.maxEntries ?? 1000;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function lookup(key: string): ChatResponse | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= now()) return undefined;
    entries.set(key, entry);
    return entry.response;
  }

  function store(key: string, response: ChatResponse): void {
    const time = now();
    for (const [existingKey, entry] of entries) {
      if (entry.expiresAt <= time) entries.delete(existingKey);
    }
    entries.delete(key);
    entries.set(key, { response, expiresAt: time + ttlMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    if (request.tools?.length) return client.chat(request);
    const key = cacheKey(client.label, request);
    const hit = lookup(key);
    if (hit) {
      if (request.onTextDelta && hit.text) request.onTextDelta(hit.text);
      return { ...hit, cached: true, latencyMs: 0 };
    }
    const response = await client.chat(request);
    store(key, response);
    return response;
  }

  return {
    label: client.label,
    chat,
    get size() {
      return entries.size;
    },
  };
}
