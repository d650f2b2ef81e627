/**
 * What the routine chat tools share: how a routine is shown to the model, how input errors come
 * back (naming the field, so the model can fix them or ask the owner), and the lookup by name.
 */
import type { Database } from "../db/client.ts";
import { getRoutineByName, type Routine } from "../db/routines.ts";
import { ConflictError } from "../errors.ts";
import type { ToolResult } from "../plugin/tool.ts";
import { RoutineInputError } from "./routine-input.ts";

export const scheduleDoc = 'cron, 5 fields (6 with seconds), e.g. "0 9 * * 1" = Mondays 9:00';

export function result(value: unknown): ToolResult {
  return { content: JSON.stringify(value) };
}

/** An input error as a result for the model; anything else is rethrown (the runner reports it). */
export function failure(error: unknown): ToolResult {
  if (error instanceof RoutineInputError)
    return { content: `Invalid ${error.field}: ${error.message}`, isError: true };
  if (error instanceof ConflictError)
    return { content: "A routine with that name already exists.", isError: true };
  throw error;
}

/** For a tool's precheck: null when `check` passes, else the same refusal `execute` would give. */
export async function refusalOf(check: () => Promise<unknown>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (error) {
    return failure(error).content;
  }
}

export function view(routine: Routine) {
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

export async function findRoutine(db: Database, raw: unknown): Promise<Routine> {
  const name = typeof raw === "string" ? raw.trim() : "";
  const routine = name ? await getRoutineByName(db, name) : undefined;
  if (!routine) throw new RoutineInputError("name", `no routine named "${name}"`);
  return routine;
}

/** A prompt shortened for a one-line approval summary. */
export function shortPrompt(prompt: string, limit = 300): string {
  return prompt.length > limit ? `${prompt.slice(0, limit - 1)}…` : prompt;
}
