/**
 * routine_update: change a routine from chat. Its approval tier depends on the change (see
 * routine-change.ts): a change that makes the routine do more — prompt, schedule, timezone,
 * notify, or re-enabling — is `always` tier, so it waits for the owner every time with an
 * old → new summary, and "Always" is neither offered nor honoured for it (an earlier "Always"
 * for this tool does not lift it). Turning a routine off, changing `catch_up` or restating the
 * current values runs without asking: none of them can make a routine do anything new.
 *
 * Why so strict: a model that obeys text in a fetched page could otherwise turn an approved
 * weekly routine into "fetch the attacker's URL every second" without the owner ever seeing it.
 */
import type { Database } from "../db/client.ts";
import { getRoutineByName, type Routine } from "../db/routines.ts";
import type { Tool } from "../plugin/tool.ts";
import { describeRoutineChanges, routineChanges } from "./routine-change.ts";
import { checkCatchUp, checkNotify, checkPrompt, checkSchedule, RoutineInputError } from "./routine-input.ts";
import { failure, findRoutine, refusalOf, result, scheduleDoc, view } from "./routine-tool-support.ts";
import type { Scheduler } from "./scheduler.ts";
import { updateRoutineRow } from "./store.ts";

/** Refuses what the store would refuse, without writing (the precheck and execute share it). */
function checkUpdate(routine: Routine, params: Record<string, unknown>): void {
  if (routine.kind === "heartbeat" && (params.schedule || params.timezone || params.prompt)) {
    throw new RoutineInputError(
      "name",
      "the heartbeat follows HEARTBEAT_SCHEDULE and HEARTBEAT.md; change those instead",
    );
  }
  if (params.prompt !== undefined) checkPrompt(params.prompt);
  if (params.notify !== undefined) checkNotify(params.notify);
  if (params.catch_up !== undefined) checkCatchUp(params.catch_up);
  checkSchedule(
    params.schedule ?? routine.schedule,
    (params.timezone as string | undefined) ?? routine.timezone,
  );
}

async function currentRoutine(db: Database, raw: unknown): Promise<Routine | undefined> {
  const name = typeof raw === "string" ? raw.trim() : "";
  return name ? getRoutineByName(db, name) : undefined;
}

export function createRoutineUpdateTool(db: Database, scheduler: () => Scheduler): Tool {
  return {
    name: "routine_update",
    description:
      "Change a routine. Changing its prompt, schedule, timezone or notify, or enabling it, waits for " +
      "the owner's approval; disabling it does not.",
    risk: "write",
    // The strictest tier any call can have; approvalFor lowers it for changes that add nothing.
    approval: "always",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string" },
        schedule: { type: "string", description: scheduleDoc },
        timezone: { type: "string", description: "IANA" },
        prompt: { type: "string" },
        notify: { type: "string", enum: ["attention", "success", "failure"] },
        catch_up: { type: "string", enum: ["once", "skip"] },
        enabled: { type: "boolean" },
      },
      required: ["name"],
      additionalProperties: false,
    },
    async approvalFor(params) {
      const routine = await currentRoutine(db, params.name);
      // No such routine: nothing can change, and execute says so.
      if (!routine) return "never";
      return routineChanges(routine, params).some((change) => change.needsApproval) ? "always" : "never";
    },
    precheck: (params) => refusalOf(async () => checkUpdate(await findRoutine(db, params.name), params)),
    async summarize(params) {
      const routine = await currentRoutine(db, params.name);
      if (!routine) return `update routine “${String(params.name)}” (there is no routine by that name)`;
      return describeRoutineChanges(routine.name, routineChanges(routine, params));
    },
    async execute(params) {
      try {
        const routine = await findRoutine(db, params.name);
        checkUpdate(routine, params);
        const updated = await updateRoutineRow(db, scheduler(), routine, params);
        return result({ updated: view(updated) });
      } catch (error) {
        return failure(error);
      }
    },
  };
}
