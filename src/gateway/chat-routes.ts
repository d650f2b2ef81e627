/**
 * `POST /api/chat/send`: one message in, the turn's first answer out. The pipeline stores the
 * message and runs the turn asynchronously, calling a Responder; the HTTP answer is whichever of
 * these comes first: `finish` (200 reply), `notice` (200, a host message such as a command
 * reply), `askApproval` (202 paused, the "Veto" state: decide with `POST /api/approvals/{id}`),
 * or the reply timeout (504; the turn keeps running and its events still reach the SSE stream).
 *
 * The responder outlives the HTTP exchange: after the answer was sent, further calls (a finish
 * after a timeout, a resumed turn's reply) are accepted and dropped, never thrown.
 *
 * Every answer on the thread is also published on the thread feed (the SSE stream's `message`
 * events), including the late ones, so a client that stopped waiting still hears them.
 *
 * Only an authenticated, well-formed send counts against the rate limit: the route runs after
 * auth, and it takes from the limiter after the body was validated.
 *
 * `message_id` is the idempotency key. A repeated id is dropped by the pipeline's dedupe before
 * any responder call, so a retried request waits for the reply timeout and then gets 504; the
 * original request's answer (or the SSE stream) carries the reply.
 */
import { randomUUID } from "node:crypto";
import type { Responder } from "../agent/responder.ts";
import type { Logger } from "../log.ts";
import { failureResponse, isDatabaseUnavailable } from "./failure-response.ts";
import { checkOptionalId } from "./ids.ts";
import { badRequest, readJsonObject } from "./json-body.ts";
import { json } from "./json-response.ts";
import type { ChatApi } from "./ports.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { ThreadFeed } from "./thread-feed.ts";

export interface ChatSendOptions {
  chat: ChatApi;
  limiter: RateLimiter;
  log: Logger;
  replyTimeoutMs: number;
  feed?: ThreadFeed;
}

/**
 * A Responder whose first answer becomes the HTTP response; later calls are dropped (for the
 * HTTP exchange: they still reach `feed`, when given).
 */
export function createHttpReplyResponder(
  threadId: string,
  feed?: ThreadFeed,
): {
  responder: Responder;
  reply: Promise<Response>;
  answer(response: Response): void;
} {
  let resolveReply: (response: Response) => void = () => {};
  const reply = new Promise<Response>((resolve) => {
    resolveReply = resolve;
  });
  let answered = false;
  const answer = (response: Response): void => {
    if (answered) return;
    answered = true;
    resolveReply(response);
  };
  const responder: Responder = {
    // Streaming text is for the SSE stream; the HTTP reply carries the final text only.
    onDelta: () => {},
    async finish(text) {
      feed?.publish({ threadId, role: "assistant", text });
      answer(json({ reply: text, thread_id: threadId }));
      return undefined;
    },
    async notice(text) {
      feed?.publish({ threadId, role: "system", text });
      answer(json({ reply: text, thread_id: threadId, notice: true }));
      return undefined;
    },
    async askApproval(prompt) {
      answer(
        json(
          {
            status: "paused",
            approval_id: prompt.approvalId,
            thread_id: threadId,
            tool: prompt.tool,
            summary: prompt.summary,
            expires_at: prompt.expiresAt.toISOString(),
          },
          202,
        ),
      );
      return undefined;
    },
    async settleApproval() {},
  };
  return { responder, reply, answer };
}

export function createChatSendHandler(options: ChatSendOptions): (request: Request) => Promise<Response> {
  const { chat, limiter, log, replyTimeoutMs, feed } = options;

  return async function sendChatMessage(request) {
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const { text } = body.value;
    if (typeof text !== "string" || text.trim() === "") {
      return badRequest("invalid_request", "text must be a non-empty string");
    }
    const threadId = checkOptionalId(body.value.thread_id, "thread_id");
    if (threadId instanceof Response) return threadId;
    const messageId = checkOptionalId(body.value.message_id, "message_id");
    if (messageId instanceof Response) return messageId;
    const verdict = limiter.take();
    if (!verdict.allowed) {
      return json(
        { error: "rate_limited", message: `too many messages; retry in ${verdict.retryAfterSeconds} s` },
        429,
        { "retry-after": String(verdict.retryAfterSeconds) },
      );
    }

    const thread = threadId ?? randomUUID();
    const { responder, reply, answer } = createHttpReplyResponder(thread, feed);
    const timer = setTimeout(
      () => answer(json({ error: "timeout", thread_id: thread }, 504)),
      replyTimeoutMs,
    );
    chat
      .send({ text, threadId: thread, messageId: messageId ?? randomUUID() }, responder)
      .catch((error: unknown) => {
        if (isDatabaseUnavailable(error))
          log.warn("chat message not stored: the database is unreachable", { thread, error });
        else log.error("chat message could not be handled", { thread, error });
        answer(failureResponse(error));
      });
    try {
      return await reply;
    } finally {
      clearTimeout(timer);
    }
  };
}
