/**
 * Where the host inspects a result before the model (or a chat) sees it; the host adds the
 * safety scan here (src/safety/tool-result-guard.ts). Hooks run in order on the capped text, each
 * receiving the previous one's result. A hook that throws fails closed: the result is withheld
 * and the model is told so, because a scan that could not run must not let its input through.
 */
import type { Logger } from "../../log.ts";
import type { ToolContext, ToolResult, ToolRisk } from "../../plugin/tool.ts";
import type { ToolStep } from "./call-state.ts";

export interface ToolResultHookInput {
  /** The tool's registered name. */
  tool: string;
  /** What the tool declared it does to the world (`external` = it fetched content from outside). */
  risk?: ToolRisk;
  result: ToolResult;
  context: ToolContext;
}

/** Returns the result to pass on (unchanged, redacted, or replaced by an error). */
export type ToolResultHook = (input: ToolResultHookInput) => ToolResult | Promise<ToolResult>;

export function createResultHooksStep(hooks: readonly ToolResultHook[], log: Logger): ToolStep {
  return async function inspectResult(state, next) {
    await next();
    const outcome = state.outcome;
    if (outcome?.kind !== "result") return;
    const tool = state.prepared.call.name;
    let result = outcome.result;
    for (const hook of hooks) {
      try {
        result = await hook({ tool, risk: state.prepared.tool?.risk, result, context: state.context });
      } catch (error) {
        log.warn("tool result hook failed; result withheld", { tool, error });
        state.outcome = {
          kind: "result",
          result: {
            content: `The result of ${tool} was withheld: a safety check could not run.`,
            isError: true,
          },
          status: "failed",
        };
        return;
      }
    }
    state.outcome = { ...outcome, result };
  };
}
