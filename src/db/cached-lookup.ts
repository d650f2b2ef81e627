/**
 * A read-through cache for a hot lookup, cleared whenever its topic changes (change-feed.ts).
 * A value loaded while a change was announced is returned but not kept: it may predate the
 * change. While the feed is not live (not listening, or reconnecting) every call reads through.
 */
import type { ChangeFeed, ChangeTopic } from "./change-feed.ts";

/** Bounds memory if keys keep coming (they are channels and chats of one owner: few). */
const maxEntries = 1000;

export interface CachedLookup<Value> {
  get(key: string): Promise<Value>;
}

export function createCachedLookup<Value>(
  feed: ChangeFeed | undefined,
  topic: ChangeTopic,
  load: (key: string) => Promise<Value>,
): CachedLookup<Value> {
  const entries = new Map<string, Value>();
  let generation = 0;
  feed?.onChange(topic, () => {
    entries.clear();
    generation++;
  });
  return {
    async get(key) {
      if (!feed?.live) return load(key);
      if (entries.has(key)) return entries.get(key) as Value;
      const seen = generation;
      const value = await load(key);
      if (seen !== generation || !feed.live) return value;
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, value);
      return value;
    },
  };
}
