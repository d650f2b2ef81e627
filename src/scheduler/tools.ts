/**
 * Routines from chat. A routine runs unattended with every tool the model has, so each tool's
 * approval tier is chosen for the case where the model is obeying text it fetched rather than
 * the owner:
 * - routine_create is `always` tier: a new routine is as powerful as rewriting one ("fetch this
 *   URL every second"), so the owner sees the name, schedule and prompt every time; "Always" is
 *   not offered.
 * - routine_update depends on the change (routine-update-tool.ts): anything that makes a routine
 *   do more asks every time, old → new; disabling does not ask.
 * - routine_run is `unless-auto-approved`: it can only run a prompt the owner already approved,
 *   but running it on demand is still acting on the owner's behalf.
 * - routine_delete is `unless-auto-approved`: deleting cannot make anything run; the loss is the
 *   owner's to accept with "Always".
 * - routine_list only reads: `never`.
 * Every tool that asks has a precheck, so the owner is never asked to approve a call that would
 * fail (an invalid schedule, a routine that does not exist); such a call comes back to the model
 * as an error naming the field.
 */
import type { Database } from "../db/client.ts";
import { getConversation } from "../db/conversations.ts";
import { deleteRoutine, getRoutineByName, listRoutines, listRuns } from "../db/routines.ts";
import type { Tool } from "../plugin/tool.ts";
import { compileSchedule, describeNext } from "./cron.ts";
import {
  checkCatchUp,
  checkName,
  checkNotify,
  checkPrompt,
  checkSchedule,
  HEARTBEAT_NAME,
  RoutineInputError,
} from "./routine-input.ts";
import {
  failure,
  findRoutine,
  refusalOf,
  result,
  scheduleDoc,
  shortPrompt,
  view,
} from "./routine-tool-support.ts";
import { createRoutineUpdateTool } from "./routine-update-tool.ts";
import type { Scheduler } from "./scheduler.ts";
import { createRoutineRow } from "./store.ts";

function refuseHeartbeatDelete(name: string): void {
  if (name === HEARTBEAT_NAME) {
    throw new RoutineInputError("name", "the heartbeat cannot be deleted; set HEARTBEAT_ENABLED=false");
  }
}

export function createRoutineTools(db: Database, scheduler: () => Scheduler): Tool[] {
  return [
    {
      name: "routine_create",
      description:
        "Schedule a prompt to run by itself (reminders, checks); results come to this chat. Waits for the owner's approval.",
      risk: "write",
      approval: "always",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string" },
          schedule: { type: "string", description: scheduleDoc },
          timezone: { type: "string", description: "IANA, default the owner's" },
          prompt: { type: "string", description: "instruction, e.g. Remind the owner to pay rent" },
          notify: {
            type: "string",
            enum: ["attention", "success", "failure"],
            description: "default attention",
          },
          catch_up: { type: "string", enum: ["once", "skip"], description: "after downtime; default once" },
        },
        required: ["name", "schedule", "prompt"],
        additionalProperties: false,
      },
      precheck: (params) =>
        refusalOf(async () => {
          const name = checkName(params.name);
          checkPrompt(params.prompt);
          checkSchedule(params.schedule, (params.timezone as string | undefined) ?? scheduler().timezone);
          if (params.notify !== undefined) checkNotify(params.notify);
          if (params.catch_up !== undefined) checkCatchUp(params.catch_up);
          if (await getRoutineByName(db, name)) {
            throw new RoutineInputError("name", `a routine named "${name}" already exists`);
          }
        }),
      summarize: (params) => {
        const options = [
          params.timezone === undefined ? "" : `, timezone ${String(params.timezone)}`,
          params.notify === undefined ? "" : `, notify ${String(params.notify)}`,
        ].join("");
        return `create routine “${String(params.name)}” at “${String(params.schedule)}”${options}: ${String(params.prompt)}`;
      },
      async execute(params, context) {
        try {
          const conversation = await getConversation(db, context.conversationId);
          const chat =
            conversation && !["api", "routine"].includes(conversation.channel) ? conversation : undefined;
          const routine = await createRoutineRow(db, scheduler(), {
            name: params.name as string,
            schedule: params.schedule as string,
            timezone: params.timezone as string | undefined,
            prompt: params.prompt as string,
            notify: params.notify as string | undefined,
            catchUp: params.catch_up as string | undefined,
            channel: chat?.channel ?? null,
            chatId: chat?.chatId ?? null,
          });
          return result({
            created: view(routine),
            next_runs: describeNext(
              compileSchedule(routine.schedule, routine.timezone),
              scheduler().now(),
              routine.timezone,
              3,
            ),
          });
        } catch (error) {
          return failure(error);
        }
      },
    },
    {
      name: "routine_list",
      description: "List routines with next and last run.",
      risk: "read",
      approval: "never",
      parameters: { type: "object", properties: {}, additionalProperties: false },
      async execute() {
        const rows = await listRoutines(db);
        const routines = await Promise.all(
          rows.map(async (routine) => {
            const [last] = await listRuns(db, routine.id, 1);
            return {
              ...view(routine),
              last_run: last
                ? { at: last.scheduledFor.toISOString(), status: last.status, summary: last.summary }
                : null,
            };
          }),
        );
        return result({ routines });
      },
    },
    createRoutineUpdateTool(db, scheduler),
    {
      name: "routine_delete",
      description: "Delete a routine.",
      risk: "write",
      approval: "unless-auto-approved",
      parameters: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
        additionalProperties: false,
      },
      precheck: (params) =>
        refusalOf(async () => refuseHeartbeatDelete((await findRoutine(db, params.name)).name)),
      summarize: (params) => `delete routine “${String(params.name)}”`,
      async execute(params) {
        try {
          const routine = await findRoutine(db, params.name);
          refuseHeartbeatDelete(routine.name);
          await deleteRoutine(db, routine.id);
          return result({ deleted: routine.name });
        } catch (error) {
          return failure(error);
        }
      },
    },
    {
      name: "routine_run",
      description: "Run a routine once now.",
      risk: "write",
      approval: "unless-auto-approved",
      parameters: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
        additionalProperties: false,
      },
      precheck: (params) => refusalOf(() => findRoutine(db, params.name)),
      async summarize(params) {
        const routine = await getRoutineByName(db, String(params.name).trim());
        const prompt = routine ? `: ${shortPrompt(routine.prompt)}` : "";
        return `run routine “${String(params.name)}” once now${prompt}`;
      },
      async execute(params) {
        try {
          const routine = await findRoutine(db, params.name);
          const run = await scheduler().runNow(routine);
          return result({ queued: routine.name, run: run?.id ?? null });
        } catch (error) {
          return failure(error);
        }
      },
    },
  ];
}
