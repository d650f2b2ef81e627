/**
 * The owner's HTTP API under `/api`: chat, approvals and the live event stream. It plugs into the
 * gateway as route handlers and depends only on the small interfaces in ports.ts, so the approvals
 * service and the host are passed in structurally (and tests pass fakes that implement them).
 *
 * Order per request: (the gateway's body limit, 413) → match the path (unknown → undefined, the
 * gateway answers 404) → auth (401) → method (405) → the route (which validates its own input,
 * 400, and rate-limits what passed). A database outage is a 503 with Retry-After on every route
 * that needs the database.
 *
 *   POST /api/chat/send        {text, thread_id?, message_id?} → 200 reply | 202 paused | 504
 *   GET  /api/chat/events      Server-Sent Events (`?token=` allowed here only)
 *   GET  /api/chat/history     ?thread_id=…&limit=…&before=… → {messages, next_before}
 *   GET  /api/approvals        ?status=pending|approved|denied|expired
 *   POST /api/approvals/{id}   {action: approve|always|deny} → 200 {id, outcome, turn}
 */
import type { Logger } from "../log.ts";
import { createApprovalHandlers } from "./approval-routes.ts";
import { createBearerAuth } from "./auth.ts";
import { createChatSendHandler } from "./chat-routes.ts";
import { createHistoryHandler } from "./history-routes.ts";
import { badRequest } from "./json-body.ts";
import { json } from "./json-response.ts";
import type { AgentEventSource, ApprovalsApi, ChatApi, HistoryApi } from "./ports.ts";
import { createSlidingWindowLimiter, type RateLimitSpec } from "./rate-limit.ts";
import type { RequestControl, RouteHandler } from "./server.ts";
import { createEventStreamHandler } from "./sse.ts";
import type { ThreadFeed } from "./thread-feed.ts";

// The ports the API depends on live in ports.ts (so the route files and this one form no cycle).
export type * from "./ports.ts";

export interface ApiDependencies {
  token: string;
  approvals: ApprovalsApi;
  chat: ChatApi;
  events: AgentEventSource;
  history: HistoryApi;
  /** Messages on API threads, for the event stream (see thread-feed.ts). */
  feed?: ThreadFeed;
  log: Logger;
  /** Clock for the rate limit (tests move it). */
  now?: () => number;
  /** How long a request waits for a turn's answer (default 120 s). */
  replyTimeoutMs?: number;
  /** Interval of the SSE keepalive comment (default 15 s, below the gateway's idle timeout). */
  keepaliveMs?: number;
  /** Concurrent SSE streams allowed (default 100). */
  maxEventStreams?: number;
  /** Chat sends allowed per window (GATEWAY_RATE_LIMIT; default 30 per 60 s). */
  sendLimit?: RateLimitSpec;
}

export function createApiRoutes(deps: ApiDependencies): RouteHandler[] {
  const replyTimeoutMs = deps.replyTimeoutMs ?? 120_000;
  const auth = createBearerAuth(deps.token);
  const sendMessage = createChatSendHandler({
    chat: deps.chat,
    limiter: createSlidingWindowLimiter({
      ...(deps.sendLimit ?? { limit: 30, windowMs: 60_000 }),
      now: deps.now,
    }),
    log: deps.log,
    replyTimeoutMs,
    feed: deps.feed,
  });
  const eventStream = createEventStreamHandler({
    events: deps.events,
    feed: deps.feed,
    log: deps.log,
    keepaliveMs: deps.keepaliveMs ?? 15_000,
    maxConnections: deps.maxEventStreams ?? 100,
  });
  const approvals = createApprovalHandlers({ approvals: deps.approvals, log: deps.log, replyTimeoutMs });
  const history = createHistoryHandler(deps.history);

  /** One known path: its method, whether `?token=` is accepted, and the handler. */
  type Route = { method: "GET" | "POST"; queryToken?: boolean; handle: () => Promise<Response> | Response };

  function match(request: Request, url: URL, control: RequestControl): Route | undefined {
    const path = url.pathname;
    if (path === "/api/chat/send") return { method: "POST", handle: () => sendMessage(request) };
    if (path === "/api/chat/events") {
      return { method: "GET", queryToken: true, handle: () => eventStream.open(request, control) };
    }
    if (path === "/api/chat/history") return { method: "GET", handle: () => history(url) };
    if (path === "/api/approvals") return { method: "GET", handle: () => approvals.list(url) };
    const decide = /^\/api\/approvals\/([^/]+)$/.exec(path);
    if (decide) {
      let id: string | undefined;
      try {
        id = decodeURIComponent(decide[1] as string);
      } catch {
        id = undefined; // a malformed escape such as %zz
      }
      return {
        method: "POST",
        handle: () =>
          id === undefined
            ? badRequest("invalid_request", "approval id in the path is not valid percent-encoding")
            : approvals.decide(request, id),
      };
    }
    return undefined;
  }

  return [
    async function apiRoutes(request, url, control) {
      if (!url.pathname.startsWith("/api/")) return undefined;
      const route = match(request, url, control);
      if (!route) return undefined;
      // `?token=` only counts on the one GET route that needs it.
      const denied = auth.check(request, url, {
        allowQueryToken: route.queryToken === true && request.method === "GET",
      });
      if (denied) return denied;
      if (request.method !== route.method) {
        return json({ error: "method_not_allowed", message: `use ${route.method} ${url.pathname}` }, 405, {
          allow: route.method,
        });
      }
      return route.handle();
    },
  ];
}
