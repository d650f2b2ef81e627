/**
 * Policy and approval as a pipeline step. The gate (src/approvals/policy.ts) says whether a
 * proposed call runs, is refused, or must wait for the owner; before anyone is asked, the tool's
 * own precheck runs, so the owner is never asked to approve a call the tool would refuse anyway
 * (a private address, a routine that does not exist). A call the owner already approved skips
 * the gate: it is the stored call, decided once.
 */
import type { Logger } from "../../log.ts";
import type { ToolContext } from "../../plugin/tool.ts";
import type { PreparedCall } from "../tool-runner.ts";
import { refuse, type ToolStep } from "./call-state.ts";

/** What the approval policy says about one call. */
export type GateVerdict = { action: "run" } | { action: "refuse"; reason: string } | { action: "ask" };

export type ApprovalGate = (prepared: PreparedCall) => Promise<GateVerdict>;

/** The tool's pre-approval check: a refusal for the model, or null. A throw is a refusal too. */
export async function runPrecheck(
  prepared: PreparedCall,
  context: ToolContext,
  log: Logger,
): Promise<string | null> {
  if (!prepared.tool?.precheck || !prepared.params) return null;
  try {
    return await prepared.tool.precheck(prepared.params, context);
  } catch (error) {
    if (context.signal.aborted) throw error;
    log.warn("tool precheck threw", { tool: prepared.tool.name, error });
    const message = error instanceof Error ? error.message : String(error);
    return `The tool ${prepared.tool.name} could not check this call: ${message}`;
  }
}

export function createApprovalStep(gate: ApprovalGate, log: Logger): ToolStep {
  return async function askPolicy(state, next) {
    if (state.origin === "approved") return next();
    const verdict = await gate(state.prepared);
    if (verdict.action === "refuse") return refuse(state, verdict.reason, "denied");
    if (verdict.action === "ask") {
      const refusal = await runPrecheck(state.prepared, state.context, log);
      if (refusal !== null) return refuse(state, refusal, "failed");
      state.outcome = { kind: "ask" };
      return;
    }
    await next();
  };
}
