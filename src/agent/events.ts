/**
 * Everything a turn does is announced as one of these events. Persistence, streaming to a chat,
 * and the HTTP event stream subscribe; the loop itself knows none of them.
 */
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
      latencyMs: number;
      cached: boolean;
      error?: string;
    }
  | { type: "tool-call"; turnId: string; conversationId: string; call: ToolCall }
  | {
      type: "tool-approval-request";
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
    }
  | { type: "turn-end"; turnId: string; conversationId: string; text: string }
  | { type: "turn-paused"; turnId: string; conversationId: string; approvalIds: string[] }
  | { type: "turn-error"; turnId: string; conversationId: string; code: string; message: string };

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
