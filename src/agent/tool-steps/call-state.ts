/**
 * What one tool call carries through the pipeline (tool-pipeline.ts): the prepared call, the
 * context the tool will receive, whether the model just proposed it or the owner approved the
 * stored call, and — once a step decides — its outcome. A step that decides sets `outcome` and
 * does not call `next`; steps that post-process (cap, hooks, event) call `next` first and then
 * rewrite the result.
 */
import type { Middleware } from "../../core/middleware.ts";
import type { ToolContext, ToolResult } from "../../plugin/tool.ts";
import type { PreparedCall } from "../tool-runner.ts";

export type ToolCallStatus = "succeeded" | "failed" | "denied";

export type ToolCallOutcome =
  | { kind: "result"; result: ToolResult; status: ToolCallStatus }
  /** The call waits for the owner; it keeps no result until the decision. */
  | { kind: "ask" };

export interface ToolCallState {
  readonly prepared: PreparedCall;
  /** Steps may narrow it (the system-files step guards the workspace) before execute. */
  context: ToolContext;
  /** `proposed`: the model just asked for it; `approved`: the owner approved this stored call. */
  readonly origin: "proposed" | "approved";
  outcome?: ToolCallOutcome;
}

export type ToolStep = Middleware<ToolCallState>;

/** Ends the call with `result`. */
export function settle(state: ToolCallState, result: ToolResult, status: ToolCallStatus): void {
  state.outcome = { kind: "result", result, status };
}

/** Ends the call with an error text for the model. */
export function refuse(state: ToolCallState, content: string, status: ToolCallStatus): void {
  settle(state, { content, isError: true }, status);
}
