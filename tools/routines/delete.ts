/**
 * routine_delete: `unless-auto-approved`. Deleting cannot make anything run; the loss is the
 * owner's to accept with "Always". The heartbeat is configuration, not a routine to delete.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import {
  RoutineInputError,
  type RoutineRecord,
  type RoutinesPort,
} from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, findRoutine, refusalOf, result } from "./support.ts";

function refuseHeartbeat(routine: RoutineRecord): RoutineRecord {
  if (routine.kind === "heartbeat") {
    throw new RoutineInputError("name", "the heartbeat cannot be deleted; set HEARTBEAT_ENABLED=false");
  }
  return routine;
}

export function createRoutineDeleteTool(routines: RoutinesPort): Tool {
  return defineTool({
    name: "routine_delete",
    description: "Delete a routine.",
    risk: "write",
    offer: "on-search",
    approval: "unless-auto-approved",
    parameters: {
      type: "object",
      properties: { name: { type: "string" } },
      required: ["name"],
      additionalProperties: false,
    },
    precheck: (params) => refusalOf(async () => refuseHeartbeat(await findRoutine(routines, params.name))),
    summarize: (params) => `delete routine “${params.name}”`,
    async execute(params) {
      try {
        const routine = refuseHeartbeat(await findRoutine(routines, params.name));
        await routines.remove(routine);
        return result({ deleted: routine.name });
      } catch (error) {
        return failure(error);
      }
    },
  });
}
