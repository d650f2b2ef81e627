/**
 * Persists what a turn does as it happens: every LLM call (model, tokens, latency) and every tool
 * call with its result, and which calls wait for the owner. Subscribed to the agent event bus.
 * Turn statuses are not written here: they change only through `turn-state.ts`, where they happen.
 * An LLM call and the usage it adds to its turn are one statement (src/db/llm-calls.ts).
 */
import type { Database } from "../db/client.ts";
import { recordLlmCalls } from "../db/llm-calls.ts";
import { markToolCallAwaitingApproval, recordToolCallEnd, recordToolCallStart } from "../db/turns.ts";
import type { AgentEvent } from "./events.ts";

export function createTurnRecorder(db: Database) {
  return async function recordTurnEvent(event: AgentEvent): Promise<void> {
    switch (event.type) {
      case "llm-call":
        await recordLlmCalls(db, event.turnId, [
          {
            turnId: event.turnId,
            provider: event.provider,
            model: event.model,
            inputTokens: event.inputTokens,
            outputTokens: event.outputTokens,
            cacheReadTokens: event.cacheReadTokens ?? 0,
            cacheWriteTokens: event.cacheWriteTokens ?? 0,
            latencyMs: event.latencyMs,
            cached: event.cached ? 1 : 0,
            error: event.error,
          },
        ]);
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
