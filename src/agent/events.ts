/**
 * Everything a turn does is announced as one of these events. Persistence, streaming to a chat,
 * and the HTTP event stream subscribe; the loop itself knows none of them. Names are
 * `<noun>-<action>`. A turn starts with `turn-start` and ends with one of `turn-end`,
 * `turn-paused` (to resume after `approval-decided`), `turn-cancelled` or `turn-error`.
 */
import type { JobEvent } from "../jobs/job-events.ts";
import type { ToolCall } from "../llm/types.ts";

export type AgentEvent =
  | { type: "turn-start"; turnId: string; conversationId: string }
  | { type: "text-delta"; turnId: string; conversationId: string; text: string }
  | {
      type: "llm-call";
      turnId: string;
      conversationId: string;
      provider: string;
      model: string;
      inputTokens: number;
      outputTokens: number;
      /** Prompt tokens the provider read from / wrote to its prompt cache (included in inputTokens). */
      cacheReadTokens?: number;
      cacheWriteTokens?: number;
      latencyMs: number;
      cached: boolean;
      error?: string;
    }
  | { type: "tool-call"; turnId: string; conversationId: string; call: ToolCall }
  | {
      type: "approval-requested";
      turnId: string;
      conversationId: string;
      call: ToolCall;
      approvalId: string;
      summary: string;
      expiresAt: string;
    }
  | {
      type: "tool-result";
      turnId: string;
      conversationId: string;
      callId: string;
      name: string;
      content: string;
      isError: boolean;
      status: "succeeded" | "failed" | "denied";
      /** Injection markers the safety scan found in the content (src/safety/injection.ts). */
      flags?: readonly string[];
    }
  | { type: "turn-end"; turnId: string; conversationId: string; text: string }
  /** The turn is parked (stored as `awaiting_approval`) until these approvals are decided. */
  | { type: "turn-paused"; turnId: string; conversationId: string; approvalIds: string[] }
  /** Exactly once per approval: by the owner (button, command, HTTP) or by expiry. */
  | {
      type: "approval-decided";
      turnId: string;
      conversationId: string;
      approvalId: string;
      tool: string;
      outcome: "approved" | "always" | "denied" | "expired";
      /** The owner's user id, or `timeout`. */
      decidedBy: string;
      /** The registered channel or host surface the decision came through, or `timeout`. */
      decidedVia: string;
    }
  /**
   * The turn stopped before its answer: `owner` is `/cancel` (stored `cancelled`), `shutdown` is
   * the host stopping (stored `interrupted`; the owner is told after the restart).
   */
  | { type: "turn-cancelled"; turnId: string; conversationId: string; reason: "owner" | "shutdown" }
  | { type: "turn-error"; turnId: string; conversationId: string; code: string; message: string }
  /** Container jobs (src/jobs/job-events.ts): started, output, status, result. */
  | JobEvent;

export type AgentEventType = AgentEvent["type"];
export type AgentEventListener = (event: AgentEvent) => void | Promise<void>;

/**
 * A tiny ordered event bus. `emit` awaits each listener in order so that persistence has written
 * an event before the next one happens; a failing listener is logged by the caller's `onError`
 * and never breaks the turn.
 */
export class AgentEventBus {
  readonly #listeners = new Set<AgentEventListener>();

  constructor(private readonly onError: (error: unknown, event: AgentEvent) => void = () => {}) {}

  subscribe(listener: AgentEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async emit(event: AgentEvent): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }
}
