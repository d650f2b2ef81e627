/**
 * `GET /api/chat/events`: the agent's event bus as Server-Sent Events, for web clients that want
 * streamed text and approval requests live. Each event is `event: <type>\ndata: <json>\n\n`; the
 * approval request goes out as `approval_needed` (the name clients of the "Veto" flow expect).
 *
 * What the host says on API threads (answers, notices, the restart notice) comes from the thread
 * feed as `message` events with an `id:`, `{thread_id, role, text}`; a reconnecting client's
 * `Last-Event-ID` gets it what it missed (see `thread-feed.ts`).
 *
 * Contracts:
 * - A keepalive comment every `keepaliveMs` (below the gateway's idle timeout) keeps proxies
 *   from closing an idle stream and finds clients that vanished. The stream itself is exempt
 *   from the gateway's idle timeout: Bun does not count the writes of a streamed response.
 * - The bus subscription lives exactly as long as the client: it ends on request abort or
 *   stream cancel, whichever Bun reports first (cleanup is idempotent).
 * - At most `maxConnections` streams at once (503 beyond), and a client that stops reading is
 *   dropped once its backlog is too long, so a stuck browser tab cannot grow memory forever.
 */
import type { AgentEvent } from "../agent/events.ts";
import type { Logger } from "../log.ts";
import { json } from "./json-response.ts";
import type { AgentEventSource } from "./ports.ts";
import type { RequestControl } from "./server.ts";
import type { FeedEntry, ThreadFeed } from "./thread-feed.ts";

export interface EventStreamOptions {
  events: AgentEventSource;
  /** Messages on API threads; without it only bus events are streamed. */
  feed?: ThreadFeed;
  log: Logger;
  keepaliveMs: number;
  maxConnections: number;
}

export interface EventStreamHandler {
  open(request: Request, control?: RequestControl): Response;
  /** Streams open right now. */
  connections(): number;
}

/** Chunks a slow client may have queued before it is disconnected. */
const maxBacklog = 1_000;

export function sseEventName(event: AgentEvent): string {
  return event.type === "approval-requested" ? "approval_needed" : event.type;
}

export function formatSseEvent(event: AgentEvent): string {
  // JSON.stringify never emits raw newlines, so the payload is always a single `data:` line.
  return `event: ${sseEventName(event)}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function formatFeedEntry(entry: FeedEntry): string {
  const { threadId, role, text } = entry.message;
  return `id: ${entry.id}\nevent: message\ndata: ${JSON.stringify({ thread_id: threadId, role, text })}\n\n`;
}

export function createEventStreamHandler(options: EventStreamOptions): EventStreamHandler {
  const { events, feed, log, keepaliveMs, maxConnections } = options;
  const encoder = new TextEncoder();
  let open = 0;

  return {
    connections: () => open,
    open(request, control) {
      if (open >= maxConnections) {
        return json(
          { error: "unavailable", message: `at most ${maxConnections} event streams at once` },
          503,
          {
            "retry-after": "5",
          },
        );
      }
      open += 1;
      control?.idleTimeout(0);
      let cleanup = (): void => {};
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          let closed = false;
          let keepalive: ReturnType<typeof setInterval> | undefined;
          let unsubscribe = (): void => {};
          let unsubscribeFeed = (): void => {};
          cleanup = () => {
            if (closed) return;
            closed = true;
            open -= 1;
            unsubscribe();
            unsubscribeFeed();
            clearInterval(keepalive);
            request.signal.removeEventListener("abort", cleanup);
          };
          const write = (chunk: string): void => {
            if (closed) return;
            try {
              controller.enqueue(encoder.encode(chunk));
            } catch (error) {
              log.debug("event stream closed while writing", { error });
              cleanup();
              return;
            }
            if ((controller.desiredSize ?? 0) < -maxBacklog) {
              log.warn("dropped an event stream that stopped reading", {
                backlog: -(controller.desiredSize ?? 0),
              });
              cleanup();
              try {
                controller.close();
              } catch {
                // already closed by the client going away
              }
            }
          };
          unsubscribe = events.subscribe((event) => write(formatSseEvent(event)));
          keepalive = setInterval(() => write(": keepalive\n\n"), keepaliveMs);
          request.signal.addEventListener("abort", cleanup, { once: true });
          if (request.signal.aborted) cleanup();
          // Sent at once so the client sees the headers and knows the stream is live.
          write(": connected\n\n");
          if (feed && !closed) {
            for (const entry of feed.missedSince(request.headers.get("last-event-id"))) {
              write(formatFeedEntry(entry));
            }
            unsubscribeFeed = feed.subscribe((entry) => write(formatFeedEntry(entry)));
          }
        },
        cancel() {
          cleanup();
        },
      });
      return new Response(stream, {
        status: 200,
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          "x-accel-buffering": "no",
        },
      });
    },
  };
}
