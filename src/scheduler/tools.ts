/**
 * Routines from chat: routine_create and routine_delete change what runs unattended, so they
 * wait for the owner's approval; routine_list, routine_update and routine_run do not. Invalid
 * schedules or timezones come back to the model as errors naming the field, so it can fix them
 * or ask the owner.
 */
import type { Database } from "../db/client.ts";
import { getConversation } from "../db/conversations.ts";
import { deleteRoutine, getRoutineByName, listRoutines, listRuns, type Routine } from "../db/routines.ts";
import { ConflictError } from "../errors.ts";
import type { Tool, ToolResult } from "../plugin/tool.ts";
import { compileSchedule, describeNext } from "./cron.ts";
import { HEARTBEAT_NAME, RoutineInputError } from "./routine-input.ts";
import type { Scheduler } from "./scheduler.ts";
import { createRoutineRow, updateRoutineRow } from "./store.ts";

const scheduleDoc = 'cron, 5 fields (6 with seconds), e.g. "0 9 * * 1" = Mondays 9:00';

function result(value: unknown): ToolResult {
  return { content: JSON.stringify(value) };
}

function failure(error: unknown): ToolResult {
  if (error instanceof RoutineInputError)
    return { content: `Invalid ${error.field}: ${error.message}`, isError: true };
  if (error instanceof ConflictError)
    return { content: "A routine with that name already exists.", isError: true };
  throw error;
}

function view(routine: Routine) {
  return {
    name: routine.name,
    schedule: routine.schedule,
    timezone: routine.timezone,
    prompt: routine.prompt,
    enabled: routine.enabled,
    notify: routine.notify,
    catch_up: routine.catchUp,
    deliver_to: routine.channel
      ? `${routine.channel}${routine.chatId ? `:${routine.chatId}` : ""}`
      : "most recent chat",
    next_run: routine.nextRunAt?.toISOString() ?? null,
  };
}

async function findRoutine(db: Database, raw: unknown): Promise<Routine> {
  const name = typeof raw === "string" ? raw.trim() : "";
  const routine = name ? await getRoutineByName(db, name) : undefined;
  if (!routine) throw new RoutineInputError("name", `no routine named "${name}"`);
  return routine;
}

export function createRoutineTools(db: Database, scheduler: () => Scheduler): Tool[] {
  return [
    {
      name: "routine_create",
      description: "Schedule a prompt to run by itself (reminders, checks); results come to this chat.",
      risk: "write",
      approval: "unless-auto-approved",
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
      summarize: (params) =>
        `create routine “${String(params.name)}” at “${String(params.schedule)}”: ${String(params.prompt)}`,
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
    {
      name: "routine_update",
      description: "Change a routine.",
      risk: "write",
      approval: "never",
      parameters: {
        type: "object",
        properties: {
          name: { type: "string" },
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
      async execute(params) {
        try {
          const routine = await findRoutine(db, params.name);
          if (routine.kind === "heartbeat" && (params.schedule || params.timezone || params.prompt)) {
            throw new RoutineInputError(
              "name",
              "the heartbeat follows HEARTBEAT_SCHEDULE and HEARTBEAT.md; change those instead",
            );
          }
          const updated = await updateRoutineRow(db, scheduler(), routine, params);
          return result({ updated: view(updated) });
        } catch (error) {
          return failure(error);
        }
      },
    },
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
      summarize: (params) => `delete routine “${String(params.name)}”`,
      async execute(params) {
        try {
          const routine = await findRoutine(db, params.name);
          if (routine.name === HEARTBEAT_NAME) {
            throw new RoutineInputError(
              "name",
              "the heartbeat cannot be deleted; set HEARTBEAT_ENABLED=false",
            );
          }
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
      approval: "never",
      parameters: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
        additionalProperties: false,
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
