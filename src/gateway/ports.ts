/**
 * The ports of the owner's HTTP API: the small interfaces the routes depend on instead of the
 * approvals service, the agent's event bus or the host themselves. They live apart from api.ts so
 * that the route files (chat, approvals, history, events) and the module that assembles them
 * import these types without importing each other; tests pass fakes that implement them.
 */
import type { AgentEvent } from "../agent/events.ts";
import type { Responder } from "../agent/responder.ts";
import type { ApprovalView } from "../approvals/prompts.ts";
import type { DecideResult } from "../approvals/service.ts";
import type { ApprovalStatus } from "../db/schema/index.ts";
import type { InboundMessage } from "../plugin/channel.ts";

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

/** One stored message of an API thread, as the history endpoint shows it. */
export interface ThreadMessageView {
  id: string;
  role: "user" | "assistant" | "system";
  text: string;
  createdAt: Date;
  /** Position in the database's message order: the paging cursor. */
  sequence: number;
}

/** What the API needs to read a thread's history. */
export interface HistoryApi {
  /** Up to `limit` messages before the cursor (all when absent), oldest first. */
  list(
    threadId: string,
    page: { limit: number; before?: number },
  ): Promise<{ messages: ThreadMessageView[]; hasMore: boolean }>;
}

/** The agent event bus, as far as the event stream needs it. */
export interface AgentEventSource {
  subscribe(listener: (event: AgentEvent) => void | Promise<void>): () => void;
}

/**
 * What the API wiring (host-api.ts) needs from the running host; src/host/host.ts provides it.
 * Messages handed to `pipeline.handle` are the `api` host surface's, stamped there.
 */
export interface HostApiPort {
  approvals: ApprovalsApi;
  bus: AgentEventSource;
  pipeline: { handle(message: InboundMessage, responder?: Responder): Promise<void> };
}
