/**
 * Persists what a turn does as it happens: every LLM call (model, tokens, latency) and every tool
 * call with its result, and which calls wait for the owner. Subscribed to the agent event bus.
 * Turn statuses are not written here: they change only through `turn-state.ts`, where they happen.
 */
import type { Database } from "../db/client.ts";
import {
  addTurnUsage,
  markToolCallAwaitingApproval,
  recordLlmCall,
  recordToolCallEnd,
  recordToolCallStart,
} from "../db/turns.ts";
import type { AgentEvent } from "./events.ts";

export function createTurnRecorder(db: Database) {
  return async function recordTurnEvent(event: AgentEvent): Promise<void> {
    switch (event.type) {
      case "llm-call":
        await recordLlmCall(db, {
          turnId: event.turnId,
          provider: event.provider,
          model: event.model,
          inputTokens: event.inputTokens,
          outputTokens: event.outputTokens,
          latencyMs: event.latencyMs,
          cached: event.cached ? 1 : 0,
          error: event.error,
        });
        if (!event.error) await addTurnUsage(db, event.turnId, event.inputTokens, event.outputTokens);
        return;
      case "tool-call":
        await recordToolCallStart(db, {
          turnId: event.turnId,
          callId: event.call.id,
          tool: event.call.name,
          arguments: event.call.arguments,
          status: "running",
        });
        return;
      case "approval-requested":
        await markToolCallAwaitingApproval(db, event.turnId, event.call.id);
        return;
      case "tool-result":
        await recordToolCallEnd(db, event.turnId, event.callId, {
          status: event.status,
          result: event.content,
        });
        return;
      default:
        return;
    }
  };
}
