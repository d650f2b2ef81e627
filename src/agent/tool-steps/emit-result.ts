/**
 * The last word on a call: its `tool-result` event, which the recorder persists and the chat and
 * HTTP streams show. It wraps every other step, so a refusal, a failure and a success are all
 * announced the same way, with the text the model will see.
 */
import type { ToolCall } from "../../llm/types.ts";
import type { ToolResult } from "../../plugin/tool.ts";
import type { AgentEvent } from "../events.ts";
import type { ToolCallStatus, ToolStep } from "./call-state.ts";

export interface TurnIds {
  turnId: string;
  conversationId: string;
}

export type EmitEvent = (event: AgentEvent) => Promise<void>;

export function emitToolResult(
  emit: EmitEvent,
  ids: TurnIds,
  call: ToolCall,
  result: ToolResult,
  status: ToolCallStatus,
): Promise<void> {
  return emit({
    type: "tool-result",
    ...ids,
    callId: call.id,
    name: call.name,
    content: result.content,
    isError: result.isError === true,
    status,
    ...(result.flags?.length ? { flags: result.flags } : {}),
  });
}

export function createEmitResultStep(emit: EmitEvent): ToolStep {
  return async function announceResult(state, next) {
    await next();
    if (state.outcome?.kind !== "result") return;
    const { context, prepared, outcome } = state;
    const ids = { turnId: context.turnId, conversationId: context.conversationId };
    await emitToolResult(emit, ids, prepared.call, outcome.result, outcome.status);
  };
}
