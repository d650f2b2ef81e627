/**
 * The owner's HTTP API under `/api`: chat, approvals and the live event stream. It plugs into the
 * gateway as route handlers and depends only on the small interfaces below, so the approvals
 * service and the host are passed in structurally (and tests pass fakes that implement them).
 *
 * Order per request: match the path (unknown → undefined, the gateway answers 404) → auth (401)
 * → method (405) → the route (which rate-limits and validates its own input).
 *
 *   POST /api/chat/send        {text, thread_id?, message_id?} → 200 reply | 202 paused | 504
 *   GET  /api/chat/events      Server-Sent Events (`?token=` allowed here only)
 *   GET  /api/approvals        ?status=pending|approved|denied|expired
 *   POST /api/approvals/{id}   {action: approve|always|deny} → 200 {id, outcome, turn}
 */
import type { AgentEvent } from "../agent/events.ts";
import type { Responder } from "../agent/responder.ts";
import type { ApprovalView } from "../approvals/prompts.ts";
import type { DecideResult } from "../approvals/service.ts";
import type { ApprovalStatus } from "../db/schema/index.ts";
import type { Logger } from "../log.ts";
import { createApprovalHandlers } from "./approval-routes.ts";
import { createBearerAuth } from "./auth.ts";
import { createChatSendHandler } from "./chat-routes.ts";
import { createSlidingWindowLimiter } from "./rate-limit.ts";
import { json, type RouteHandler } from "./server.ts";
import { createEventStreamHandler } from "./sse.ts";

// The approval shapes are the approvals service's own; the API depends on them, not on the class.
export type { ApprovalView } from "../approvals/prompts.ts";
export type { DecideFailure as DecideFailureReason, DecideResult } from "../approvals/service.ts";
export type { TurnResult } from "../approvals/turn-result.ts";
export type { ApprovalStatus } from "../db/schema/index.ts";

/** What the API needs from the durable approvals service. */
export interface ApprovalsApi {
  list(filter: { status?: ApprovalStatus }): Promise<ApprovalView[]>;
  decide(
    id: string,
    decision: "approve" | "always" | "deny",
    actor: { channel: string; userId: string },
  ): Promise<DecideResult>;
}

/**
 * What the API needs from the host. Resolves once the message is stored; the turn then runs on
 * its own and talks to `responder`. Example (the real wiring):
 *   send: (input, responder) => host.pipeline.handle({ channel: "api", chatId: input.threadId,
 *     senderId: "api", messageId: input.messageId, text: input.text, isDirect: true }, responder)
 */
export interface ChatApi {
  send(input: { text: string; threadId: string; messageId: string }, responder: Responder): Promise<void>;
}

/** The agent event bus, as far as the event stream needs it. */
export interface AgentEventSource {
  subscribe(listener: (event: AgentEvent) => void | Promise<void>): () => void;
}

export interface ApiDependencies {
  token: string;
  approvals: ApprovalsApi;
  chat: ChatApi;
  events: AgentEventSource;
  log: Logger;
  /** Clock for the rate limit (tests move it). */
  now?: () => number;
  /** How long a request waits for a turn's answer (default 120 s). */
  replyTimeoutMs?: number;
  /** Interval of the SSE keepalive comment (default 30 s). */
  keepaliveMs?: number;
  /** Concurrent SSE streams allowed (default 100). */
  maxEventStreams?: number;
  /** Chat messages per minute (default 30). */
  sendLimitPerMinute?: number;
}

export function createApiRoutes(deps: ApiDependencies): RouteHandler[] {
  const replyTimeoutMs = deps.replyTimeoutMs ?? 120_000;
  const auth = createBearerAuth(deps.token);
  const sendMessage = createChatSendHandler({
    chat: deps.chat,
    limiter: createSlidingWindowLimiter({
      limit: deps.sendLimitPerMinute ?? 30,
      windowMs: 60_000,
      now: deps.now,
    }),
    log: deps.log,
    replyTimeoutMs,
  });
  const eventStream = createEventStreamHandler({
    events: deps.events,
    log: deps.log,
    keepaliveMs: deps.keepaliveMs ?? 30_000,
    maxConnections: deps.maxEventStreams ?? 100,
  });
  const approvals = createApprovalHandlers({ approvals: deps.approvals, log: deps.log, replyTimeoutMs });

  /** One known path: its method, whether `?token=` is accepted, and the handler. */
  type Route = { method: "GET" | "POST"; queryToken?: boolean; handle: () => Promise<Response> | Response };

  function match(request: Request, url: URL): Route | undefined {
    const path = url.pathname;
    if (path === "/api/chat/send") return { method: "POST", handle: () => sendMessage(request) };
    if (path === "/api/chat/events") {
      return { method: "GET", queryToken: true, handle: () => eventStream.open(request) };
    }
    if (path === "/api/approvals") return { method: "GET", handle: () => approvals.list(url) };
    const decide = /^\/api\/approvals\/([^/]+)$/.exec(path);
    if (decide) {
      let id: string;
      try {
        id = decodeURIComponent(decide[1] as string);
      } catch {
        return undefined; // a malformed escape is no approval id we could know
      }
      return { method: "POST", handle: () => approvals.decide(request, id) };
    }
    return undefined;
  }

  return [
    async function apiRoutes(request, url) {
      if (!url.pathname.startsWith("/api/")) return undefined;
      const route = match(request, url);
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
