/**
 * The capability ceiling: a turn marked `read-only` (the skills issue sets it while an installed
 * skill is active) runs only tools whose declared `risk` is `read`; a `write`, `external` or
 * `exec` tool is refused before policy or approval, so a skill from a registry cannot talk the
 * model — or the owner, through an approval prompt — into acting on the world. It applies to
 * approved stored calls too: the ceiling is the turn's, whenever the call runs.
 */
import { refuse, type ToolStep } from "./call-state.ts";

export function createCeilingStep(): ToolStep {
  return async function enforceCeiling(state, next) {
    const tool = state.prepared.tool;
    if (state.context.ceiling === "read-only" && tool && tool.risk !== "read") {
      refuse(
        state,
        `The tool ${tool.name} was not run: this turn is limited to read-only tools, and ${tool.name} ` +
          `has ${tool.risk} risk. Continue without it or tell the owner.`,
        "denied",
      );
      return;
    }
    await next();
  };
}
