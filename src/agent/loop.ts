/**
 * The agent loop: call the LLM, run the tool calls it asks for (several calls from one model
 * message run in parallel), feed the results back, until it answers without tools or the
 * iteration limit is reached (then it is asked once more, without tools, for a final answer).
 *
 * It is one function with injected dependencies and plain-data state: when a call needs the
 * owner's approval the loop returns `paused` with everything needed to continue, the caller
 * persists it, and `runAgentLoop` is called again with the decisions once they are made — also
 * after a restart. The stored calls are resumed, never regenerated.
 */
import { AppError } from "../errors.ts";
import type { ChatMessage, LlmClient, ToolCall } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { ToolCeiling, ToolResult } from "../plugin/tool.ts";
import { storedCeiling } from "../skills/attenuation.ts";
import type { SkillTrust } from "../skills/types.ts";
import type { AgentEvent } from "./events.ts";
import type { RunToolCall, ToolCallOutcome } from "./tool-pipeline.ts";
import type { PreparedCall, ToolRunner } from "./tool-runner.ts";
import type { GateVerdict } from "./tool-steps/approval.ts";
import { emitToolResult } from "./tool-steps/emit-result.ts";

export type { GateVerdict } from "./tool-steps/approval.ts";

export type ApprovalDecisionResult = "approved" | "denied" | "expired";

/** A tool call of the last assistant message, with its result once it has one. */
export interface PendingCall {
  call: ToolCall;
  result?: ToolResult & { status: "succeeded" | "failed" | "denied" };
  /** Set while the call waits for the owner. */
  approvalId?: string;
}

/** Plain JSON: stored in the turn row as it is. */
export interface LoopState {
  messages: ChatMessage[];
  iterations: number;
  pending?: PendingCall[];
  /**
   * The skills active in this turn, chosen once when it started (src/skills/select.ts), and the
   * tool ceiling they set: stored with the state, so a pause for approval or a restart keeps both.
   */
  skills?: { name: string; version: string; trust: SkillTrust }[];
  ceiling?: ToolCeiling;
}

export interface LoopDependencies {
  llm: LlmClient;
  runner: ToolRunner;
  gate: (prepared: PreparedCall) => Promise<GateVerdict>;
  emit: (event: AgentEvent) => Promise<void>;
  maxIterations: number;
  signal: AbortSignal;
  log: Logger;
  turnId: string;
  conversationId: string;
  /** The turn's tool ceiling; `read-only` while an installed skill is active. Default `full`. */
  ceiling?: ToolCeiling;
  /**
   * How a tool's output is shown to the model (the host wraps every one as data, see
   * src/safety/injection.ts). Applied only to the request: the turn's state, events and stored
   * results keep what the tool returned.
   */
  presentToolOutput?: (tool: string, content: string) => string;
}

export type LoopOutcome =
  | { status: "completed"; text: string; state: LoopState }
  | { status: "paused"; state: LoopState; asks: PreparedCall[] };

const finalAnswerInstruction =
  "You have used all tool calls available for this turn. Answer the owner now with what you have, without calling tools.";

export async function runAgentLoop(
  given: LoopDependencies,
  initial: LoopState,
  decisions: Record<string, ApprovalDecisionResult> = {},
): Promise<LoopOutcome> {
  const state: LoopState = structuredClone(initial);
  // The stricter of the caller's ceiling and the one stored with the turn: neither can widen it.
  const ceiling = given.ceiling === "read-only" ? "read-only" : storedCeiling(state);
  const deps: LoopDependencies = { ...given, ceiling };
  const ids = { turnId: deps.turnId, conversationId: deps.conversationId };
  const runTool = deps.runner.createPipeline({ gate: deps.gate, emit: deps.emit });

  if (state.pending) {
    await settlePending(deps, runTool, state.pending, decisions);
    const waiting = state.pending.filter((pending) => !pending.result);
    if (waiting.length > 0) {
      return { status: "paused", state, asks: waiting.map((pending) => deps.runner.prepare(pending.call)) };
    }
    pushResults(state, state.pending);
    state.pending = undefined;
  }

  for (;;) {
    throwIfCancelled(deps.signal);
    const atLimit = state.iterations >= deps.maxIterations;
    const messages: ChatMessage[] = atLimit
      ? [...state.messages, { role: "user", content: finalAnswerInstruction }]
      : state.messages;
    const response = await callModel(deps, messages, !atLimit);
    state.iterations++;

    if (response.toolCalls.length === 0 || atLimit) {
      if (!response.text.trim()) {
        throw new AppError("llm_invalid_response", "The model returned an empty reply.");
      }
      state.messages.push({ role: "assistant", content: response.text });
      await deps.emit({ type: "turn-end", ...ids, text: response.text });
      return { status: "completed", text: response.text, state };
    }

    state.messages.push({ role: "assistant", content: response.text, toolCalls: response.toolCalls });
    const pending = await runCalls(deps, runTool, response.toolCalls);
    const asks = pending.filter((entry) => !entry.result).map((entry) => deps.runner.prepare(entry.call));
    if (asks.length > 0) {
      state.pending = pending;
      return { status: "paused", state, asks };
    }
    pushResults(state, pending);
  }
}

async function callModel(deps: LoopDependencies, messages: ChatMessage[], withTools: boolean) {
  const ids = { turnId: deps.turnId, conversationId: deps.conversationId };
  const tools = withTools ? deps.runner.offeredSpecs(messages, deps.ceiling) : [];
  const started = performance.now();
  try {
    const present = deps.presentToolOutput;
    const response = await deps.llm.chat({
      messages: present
        ? messages.map((message) =>
            message.role === "tool"
              ? { ...message, content: present(message.name, message.content) }
              : message,
          )
        : messages,
      tools: tools.length > 0 ? tools : undefined,
      signal: deps.signal,
      cacheKey: deps.conversationId,
      onTextDelta: (text) => {
        void deps.emit({ type: "text-delta", ...ids, text });
      },
    });
    await deps.emit({
      type: "llm-call",
      ...ids,
      provider: response.provider,
      model: response.model,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
      cacheReadTokens: response.usage.cacheReadTokens ?? 0,
      cacheWriteTokens: response.usage.cacheWriteTokens ?? 0,
      latencyMs: Math.round(response.latencyMs),
      cached: response.cached === true,
    });
    return response;
  } catch (error) {
    await deps.emit({
      type: "llm-call",
      ...ids,
      provider: deps.llm.label,
      model: deps.llm.label,
      inputTokens: 0,
      outputTokens: 0,
      latencyMs: Math.round(performance.now() - started),
      cached: false,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

/**
 * Runs every call through the tool pipeline (ceiling, policy, precheck, execute, cap, hooks,
 * event), in parallel; calls that need approval stay without result.
 */
async function runCalls(
  deps: LoopDependencies,
  runTool: RunToolCall,
  calls: ToolCall[],
): Promise<PendingCall[]> {
  return Promise.all(
    calls.map(async (call): Promise<PendingCall> => {
      await deps.emit({ type: "tool-call", turnId: deps.turnId, conversationId: deps.conversationId, call });
      const outcome = await runTool(deps.runner.prepare(call), toolContext(deps, call), "proposed");
      return pendingOf(call, outcome);
    }),
  );
}

function toolContext(deps: LoopDependencies, call: ToolCall) {
  return deps.runner.contextFor(deps, call.name);
}

function pendingOf(call: ToolCall, outcome: ToolCallOutcome): PendingCall {
  return outcome.kind === "ask" ? { call } : { call, result: { ...outcome.result, status: outcome.status } };
}

const decisionNotes: Record<Exclude<ApprovalDecisionResult, "approved">, string> = {
  denied:
    "The owner denied this tool call. Do not retry it; continue without it or ask the owner what to do.",
  expired:
    "The approval request for this tool call expired without a decision, so it was not run. Tell the owner.",
};

async function settlePending(
  deps: LoopDependencies,
  runTool: RunToolCall,
  pending: PendingCall[],
  decisions: Record<string, ApprovalDecisionResult>,
): Promise<void> {
  await Promise.all(
    pending.map(async (entry, index) => {
      if (entry.result || !entry.approvalId) return;
      const decision = decisions[entry.approvalId];
      if (!decision) return;
      if (decision === "approved") {
        const outcome = await runTool(
          deps.runner.prepare(entry.call),
          toolContext(deps, entry.call),
          "approved",
        );
        pending[index] = pendingOf(entry.call, outcome);
        return;
      }
      const result = { content: decisionNotes[decision], isError: true };
      await emitToolResult(deps.emit, deps, entry.call, result, "denied");
      pending[index] = { call: entry.call, result: { ...result, status: "denied" } };
    }),
  );
}

function pushResults(state: LoopState, pending: PendingCall[]): void {
  for (const entry of pending) {
    state.messages.push({
      role: "tool",
      toolCallId: entry.call.id,
      name: entry.call.name,
      content: entry.result?.content ?? "No result.",
      isError: entry.result?.isError === true,
    });
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError("cancelled", "The turn was cancelled.");
}
