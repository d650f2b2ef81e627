/**
 * routine_list: the routines with their next and last run. It only reads, so it never asks.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { result, view } from "./support.ts";

export function createRoutineListTool(routines: RoutinesPort): Tool {
  return defineTool({
    name: "routine_list",
    description: "List routines and their runs.",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: {}, additionalProperties: false },
    async execute() {
      const listed = await routines.list();
      return result({
        routines: listed.map(({ routine, lastRun }) => ({
          ...view(routine),
          last_run: lastRun
            ? { at: lastRun.scheduledFor.toISOString(), status: lastRun.status, summary: lastRun.summary }
            : null,
        })),
      });
    },
  });
}
