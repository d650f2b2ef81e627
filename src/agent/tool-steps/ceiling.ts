/**
 * The capability ceiling: a turn marked `read-only` (set while an installed skill is active,
 * src/skills/attenuation.ts) runs only the fixed read-only set of tools — by name, and only the
 * host's own registration of that name (an installed WASM tool called `memory_read` does not
 * pass), and only with `read` risk. Anything else is refused before policy or approval, so a
 * skill from a registry cannot talk the model — or the owner, through an approval prompt — into
 * acting on the world. It applies to approved stored calls too: the ceiling is the turn's,
 * whenever the call runs (after an approval pause, after a restart).
 */
import type { Tool } from "../../plugin/tool.ts";
import { allowedUnderCeiling } from "../../skills/attenuation.ts";
import { refuse, type ToolStep } from "./call-state.ts";

export function createCeilingStep(isHostTool: (tool: Tool) => boolean): ToolStep {
  return async function enforceCeiling(state, next) {
    const tool = state.prepared.tool;
    const ceiling = state.context.ceiling;
    if (ceiling !== "full" && tool && !allowedUnderCeiling("read-only", tool, isHostTool(tool))) {
      refuse(
        state,
        `The tool ${tool.name} was not run: an installed skill is active in this turn, so it is limited ` +
          "to read-only tools. Continue without it or tell the owner.",
        "denied",
      );
      return;
    }
    await next();
  };
}
