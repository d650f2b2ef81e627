/**
 * The skill registry's search cache: answers kept 5 minutes per query (the reference's "Skill
 * Registry Cache"), in memory, so a model that searches the same words three times in a turn
 * reaches the registry once. Bounded (oldest evicted first); failures are never cached, so a
 * registry that comes back is seen at once.
 */
export interface SearchCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export function createSearchCache<Value>(options: SearchCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 200;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Value; storedAt: number }>();
  return {
    get(key: string): Value | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() - entry.storedAt >= ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key: string, value: Value): void {
      entries.delete(key);
      entries.set(key, { value, storedAt: now() });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
