/**
 * A chat's active conversation, kept in memory: every inbound message needs it, and it changes
 * only when `/new` starts another one or a compaction stores a summary (both announce the change,
 * see change-feed.ts). The cached row's `lastMessageAt` goes stale; nothing on the turn path
 * reads it.
 */

import { createCachedLookup } from "./cached-lookup.ts";
import type { ChangeFeed } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { type Conversation, getOrCreateConversation } from "./conversations.ts";

export type ActiveConversationLookup = (channel: string, chatId: string) => Promise<Conversation>;

export function createActiveConversationCache(
  db: Database,
  feed: ChangeFeed | undefined,
): ActiveConversationLookup {
  const lookup = createCachedLookup(feed, "conversations", (key) => {
    const [channel, chatId] = JSON.parse(key) as [string, string];
    return getOrCreateConversation(db, channel, chatId);
  });
  return function activeConversation(channel, chatId) {
    return lookup.get(JSON.stringify([channel, chatId]));
  };
}
