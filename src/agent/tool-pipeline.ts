/**
 * Every tool call runs through this one pipeline, ordered here and nowhere else (middleware
 * `compose`, as the inbound pipeline). Outermost first — the post-processing steps wrap what
 * follows, so they see every outcome, refusals included:
 *
 *   emit event ⟶ result hooks ⟶ output cap ⟶ arguments ⟶ ceiling ⟶ system files ⟶ policy/approval ⟶ execute
 *
 * so a result travels back as: execute (timeout, abort) → output cap → result hooks (the leak
 * scan) → `tool-result` event (persisted by the recorder). The outcome is either a result with
 * its status or `ask` (the call waits for the owner).
 */
import { compose } from "../core/middleware.ts";
import type { Logger } from "../log.ts";
import type { Tool, ToolContext } from "../plugin/tool.ts";
import type { PreparedCall } from "./tool-runner.ts";
import { type ApprovalGate, createApprovalStep } from "./tool-steps/approval.ts";
import { createArgumentsStep } from "./tool-steps/arguments.ts";
import type { ToolCallOutcome, ToolCallState } from "./tool-steps/call-state.ts";
import { createCeilingStep } from "./tool-steps/ceiling.ts";
import { createEmitResultStep, type EmitEvent } from "./tool-steps/emit-result.ts";
import { createExecuteStep } from "./tool-steps/execute.ts";
import { createOutputCapStep } from "./tool-steps/output-cap.ts";
import { createResultHooksStep, type ToolResultHook } from "./tool-steps/result-hooks.ts";
import { createSystemFilesStep } from "./tool-steps/system-files.ts";

export type { ToolCallOutcome, ToolCallStatus } from "./tool-steps/call-state.ts";

export interface ToolPipelineOptions {
  gate: ApprovalGate;
  emit: EmitEvent;
  log: Logger;
  maxOutputChars: number;
  resultHooks: readonly ToolResultHook[];
  defaultTimeoutMs?: number;
  /** How long a tool may take to return after its signal aborts (execute.ts). */
  stopGraceMs?: number;
  /** Registered as built-in or host (ceiling.ts); default: no tool passes a read-only ceiling. */
  isHostTool?: (tool: Tool) => boolean;
}

export type RunToolCall = (
  prepared: PreparedCall,
  context: ToolContext,
  origin: ToolCallState["origin"],
) => Promise<ToolCallOutcome>;

export function createToolPipeline(options: ToolPipelineOptions): RunToolCall {
  const run = compose<ToolCallState>([
    createEmitResultStep(options.emit),
    createResultHooksStep(options.resultHooks, options.log),
    createOutputCapStep(options.maxOutputChars),
    createArgumentsStep(),
    createCeilingStep(options.isHostTool ?? (() => false)),
    createSystemFilesStep(),
    createApprovalStep(options.gate, options.log),
    createExecuteStep({
      log: options.log,
      defaultTimeoutMs: options.defaultTimeoutMs,
      graceMs: options.stopGraceMs,
    }),
  ]);
  return async function runToolCall(prepared, context, origin) {
    const state: ToolCallState = { prepared, context, origin };
    await run(state);
    return (
      state.outcome ?? {
        kind: "result",
        result: { content: `The tool ${prepared.call.name} produced no result.`, isError: true },
        status: "failed",
      }
    );
  };
}
