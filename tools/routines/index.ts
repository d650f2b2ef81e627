/**
 * Routines from chat: host-backed tools, built from the `routines` port the host hands this
 * factory (src/scheduler/routines-port.ts). A routine runs unattended with every tool the model
 * has, so each tool's approval tier is chosen for the case where the model is obeying text it
 * fetched rather than the owner:
 * - routine_create is `always` tier (create.ts): the owner sees every new routine.
 * - routine_update depends on the change (update.ts): anything that makes a routine do more asks
 *   every time, old → new; disabling does not ask.
 * - routine_run and routine_delete are `unless-auto-approved` (run.ts, delete.ts).
 * - routine_list only reads: `never`.
 * Every tool that asks has a precheck, so the owner is never asked to approve a call that would
 * fail (an invalid schedule, a routine that does not exist); such a call comes back to the model
 * as an error naming the field.
 */
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createRoutineCreateTool } from "./create.ts";
import { createRoutineDeleteTool } from "./delete.ts";
import { createRoutineListTool } from "./list.ts";
import { createRoutineRunTool } from "./run.ts";
import { createRoutineUpdateTool } from "./update.ts";

export function createRoutineTools(routines: RoutinesPort): Tool[] {
  return [
    createRoutineCreateTool(routines),
    createRoutineListTool(routines),
    createRoutineUpdateTool(routines),
    createRoutineDeleteTool(routines),
    createRoutineRunTool(routines),
  ];
}
