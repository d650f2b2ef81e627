/**
 * routine_run: `unless-auto-approved`. It can only run a prompt the owner already approved, but
 * running it on demand is still acting on the owner's behalf.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, findRoutine, refusalOf, result, shortPrompt } from "./support.ts";

export function createRoutineRunTool(routines: RoutinesPort): Tool {
  return defineTool({
    name: "routine_run",
    description: "Run a routine once now.",
    risk: "write",
    offer: "on-search",
    approval: "unless-auto-approved",
    parameters: {
      type: "object",
      properties: { name: { type: "string" } },
      required: ["name"],
      additionalProperties: false,
    },
    precheck: (params) => refusalOf(() => findRoutine(routines, params.name)),
    async summarize(params) {
      const routine = await routines.find(params.name.trim());
      const prompt = routine ? `: ${shortPrompt(routine.prompt)}` : "";
      return `run routine “${params.name}” once now${prompt}`;
    },
    async execute(params) {
      try {
        const routine = await findRoutine(routines, params.name);
        return result({ queued: routine.name, run: await routines.runNow(routine) });
      } catch (error) {
        return failure(error);
      }
    },
  });
}
