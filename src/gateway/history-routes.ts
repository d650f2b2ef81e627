/**
 * `GET /api/chat/history?thread_id=…&limit=…&before=…`: what was said on an API thread, for
 * clients that poll instead of holding the event stream open (and for a client that was away:
 * the restart notice and answers to messages redispatched after a restart are stored here).
 *
 * Pages run newest to oldest; each page lists its messages oldest first and gives `next_before`,
 * the cursor for the page before it (null on the oldest page). `limit` is 1–200 (default 50).
 * An unknown thread is an empty page, so a client may poll a thread it has just created.
 */

import { checkId } from "./ids.ts";
import { badRequest } from "./json-body.ts";
import { json } from "./json-response.ts";
import type { HistoryApi } from "./ports.ts";

export const defaultHistoryLimit = 50;
export const maxHistoryLimit = 200;
const maxCursor = 2_147_483_647; // message sequences are PostgreSQL integers

function positiveInteger(raw: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 && value <= max ? value : undefined;
}

export function createHistoryHandler(history: HistoryApi): (url: URL) => Promise<Response> {
  return async function threadHistory(url) {
    const threadId = checkId(url.searchParams.get("thread_id") ?? undefined, "thread_id");
    if (threadId instanceof Response) return threadId;
    const rawLimit = url.searchParams.get("limit");
    const limit = rawLimit === null ? defaultHistoryLimit : positiveInteger(rawLimit, maxHistoryLimit);
    if (limit === undefined) {
      return badRequest("invalid_request", `limit must be a whole number from 1 to ${maxHistoryLimit}`);
    }
    const rawBefore = url.searchParams.get("before");
    const before = rawBefore === null ? undefined : positiveInteger(rawBefore, maxCursor);
    if (rawBefore !== null && before === undefined) {
      return badRequest("invalid_request", "before must be the next_before of an earlier page");
    }
    const page = await history.list(threadId, { limit, before });
    const oldest = page.messages[0];
    return json({
      thread_id: threadId,
      messages: page.messages.map((message) => ({
        id: message.id,
        role: message.role,
        text: message.text,
        created_at: message.createdAt.toISOString(),
      })),
      next_before: page.hasMore && oldest ? String(oldest.sequence) : null,
    });
  };
}
