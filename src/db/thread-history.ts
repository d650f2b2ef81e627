/**
 * Everything said on one chat of one channel, newest page first, across its conversations
 * (`/new` starts another conversation on the same chat, and the owner still sees one thread).
 * This is the owner's view — commands, refusals and host notices included — unlike the model's
 * history (`listHistoryMessages`). Pages are cut by message sequence, so new messages arriving
 * between two requests never shift what `before` points at.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "./client.ts";
import type { StoredMessage } from "./conversations.ts";
import { withDbErrors } from "./errors.ts";
import { messages } from "./schema/index.ts";

export interface ThreadPage {
  /** Oldest first. */
  messages: StoredMessage[];
  /** Whether older messages exist before the first one here. */
  hasMore: boolean;
}

export async function listThreadMessages(
  db: Database,
  channel: string,
  chatId: string,
  page: { limit: number; before?: number },
): Promise<ThreadPage> {
  const rows = await withDbErrors(() =>
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.channel, channel),
          eq(messages.chatId, chatId),
          page.before === undefined ? undefined : lt(messages.sequence, page.before),
        ),
      )
      .orderBy(desc(messages.sequence))
      .limit(page.limit + 1),
  );
  const hasMore = rows.length > page.limit;
  return { messages: rows.slice(0, page.limit).reverse(), hasMore };
}
