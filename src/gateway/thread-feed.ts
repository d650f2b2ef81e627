/**
 * What the host says on the HTTP API's threads, for the event stream. A chat platform hears
 * everything the host says in a chat — answers, notices such as "I was restarted while working
 * on …", the answers to messages redispatched after a restart. An API thread has no platform to
 * deliver to outside a live `POST /api/chat/send`, so this feed is its delivery: every message
 * on an API thread is published here and goes out on `GET /api/chat/events` as a `message`
 * event (the database keeps them too, for `GET /api/chat/history`).
 *
 * Entries carry ids `<boot>-<n>` (SSE `id:`), and the feed keeps the most recent ones. A client
 * that reconnects with `Last-Event-ID` gets what it missed: with an id of this process, the
 * entries after it; with an id of an earlier process (the assistant restarted), everything this
 * process has said so far — which is how the restart notice, sent while the gateway was still
 * starting, reaches a client that reconnects afterwards.
 */
import { randomUUID } from "node:crypto";
import type { Responder } from "../agent/responder.ts";

export interface ThreadMessage {
  threadId: string;
  /** `assistant` for answers, `system` for the host's own notices. */
  role: "assistant" | "system";
  text: string;
}

export interface FeedEntry {
  id: string;
  message: ThreadMessage;
}

export interface ThreadFeed {
  publish(message: ThreadMessage): void;
  subscribe(listener: (entry: FeedEntry) => void): () => void;
  /** The retained entries a client whose last seen entry was `lastEventId` has missed. */
  missedSince(lastEventId: string | null): FeedEntry[];
  /** Delivery for an API thread outside a live request (restart notices, resumed turns). */
  responderFor(threadId: string): Responder;
}

export function createThreadFeed(options: { retain?: number } = {}): ThreadFeed {
  const retain = options.retain ?? 200;
  const boot = randomUUID().slice(0, 8);
  const listeners = new Set<(entry: FeedEntry) => void>();
  const recent: { sequence: number; entry: FeedEntry }[] = [];
  let sequence = 0;

  const publish = (message: ThreadMessage): void => {
    sequence += 1;
    const entry = { id: `${boot}-${sequence}`, message };
    recent.push({ sequence, entry });
    if (recent.length > retain) recent.shift();
    for (const listener of listeners) listener(entry);
  };

  return {
    publish,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    missedSince(lastEventId) {
      if (!lastEventId) return [];
      const match = /^([0-9a-f]{8})-(\d+)$/.exec(lastEventId.trim());
      if (match?.[1] !== boot) return recent.map((item) => item.entry);
      const seen = Number(match[2]);
      return recent.filter((item) => item.sequence > seen).map((item) => item.entry);
    },
    responderFor(threadId) {
      return {
        // Streamed text already reaches the event stream as `text-delta` bus events.
        onDelta: () => {},
        async finish(text) {
          publish({ threadId, role: "assistant", text });
          return undefined;
        },
        async notice(text) {
          publish({ threadId, role: "system", text });
          return undefined;
        },
      };
    },
  };
}
