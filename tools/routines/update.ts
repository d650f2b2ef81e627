/**
 * routine_update: change a routine from chat. Its approval tier depends on the change (see
 * change.ts): a change that makes the routine do more — prompt, schedule, timezone, notify, or
 * re-enabling — is `always` tier, so it waits for the owner every time with an old → new
 * summary, and "Always" is neither offered nor honoured for it (an earlier "Always" for this
 * tool does not lift it). Turning a routine off, changing `catch_up` or restating the current
 * values runs without asking: none of them can make a routine do anything new.
 *
 * Why so strict: a model that obeys text in a fetched page could otherwise turn an approved
 * weekly routine into "fetch the attacker's URL every second" without the owner ever seeing it.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { describeRoutineChanges, routineChanges } from "./change.ts";
import { currentRoutine, failure, findRoutine, refusalOf, result, view } from "./support.ts";

export function createRoutineUpdateTool(routines: RoutinesPort): Tool {
  const canonicalTimezone = (timezone: string) => routines.canonicalTimezone(timezone);
  return defineTool({
    name: "routine_update",
    description: "Change or enable/disable a routine.",
    risk: "write",
    offer: "on-search",
    // The strictest tier any call can have; approvalFor lowers it for changes that add nothing.
    approval: "always",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string" },
        // Formats as in routine_create, which is always offered beside it.
        schedule: { type: "string" },
        timezone: { type: "string" },
        prompt: { type: "string" },
        notify: { type: "string", enum: ["attention", "success", "failure"] },
        catch_up: { type: "string", enum: ["once", "skip"] },
        enabled: { type: "boolean" },
      },
      required: ["name"],
      additionalProperties: false,
    },
    async approvalFor(params) {
      const routine = await currentRoutine(routines, params.name);
      // No such routine: nothing can change, and execute says so.
      if (!routine) return "never";
      const changes = routineChanges(routine, params, canonicalTimezone);
      return changes.some((change) => change.needsApproval) ? "always" : "never";
    },
    precheck: (params) =>
      refusalOf(async () => routines.checkChange(await findRoutine(routines, params.name), params)),
    async summarize(params) {
      const routine = await currentRoutine(routines, params.name);
      if (!routine) return `update routine “${params.name}” (there is no routine by that name)`;
      return describeRoutineChanges(routine.name, routineChanges(routine, params, canonicalTimezone));
    },
    async execute(params) {
      try {
        const routine = await findRoutine(routines, params.name);
        routines.checkChange(routine, params);
        return result({ updated: view(await routines.update(routine, params)) });
      } catch (error) {
        return failure(error);
      }
    },
  });
}
