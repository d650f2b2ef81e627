/**
 * First decision of the pipeline: a call that could not be prepared (unknown tool, arguments
 * that are not JSON or break the schema) fails here with the runner's explanation, so no later
 * step — ceiling, policy, the tool itself — ever sees arguments that do not match the schema.
 */
import { refuse, type ToolStep } from "./call-state.ts";

export function createArgumentsStep(): ToolStep {
  return async function checkArguments(state, next) {
    const { prepared } = state;
    if (prepared.error || !prepared.tool || !prepared.params) {
      refuse(state, prepared.error ?? "The tool call could not be prepared.", "failed");
      return;
    }
    await next();
  };
}
