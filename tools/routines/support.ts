/**
 * What the routine chat tools share: how a routine is shown to the model, how input errors come
 * back (naming the field, so the model can fix them or ask the owner), and the lookup by name.
 */
import {
  RoutineConflictError,
  RoutineInputError,
  type RoutineRecord,
  type RoutinesPort,
} from "../../src/plugin/ports/routines-port.ts";
import type { ToolResult } from "../../src/plugin/tool.ts";

export const scheduleDoc = 'cron, e.g. "0 9 * * 1" = Mondays 9:00 (6 fields: seconds first)';

export function result(value: unknown): ToolResult {
  return { content: JSON.stringify(value) };
}

/** An input error as a result for the model; anything else is rethrown (the runner reports it). */
export function failure(error: unknown): ToolResult {
  if (error instanceof RoutineInputError)
    return { content: `Invalid ${error.field}: ${error.message}`, isError: true };
  if (error instanceof RoutineConflictError)
    return { content: "A routine with that name already exists.", isError: true };
  throw error;
}

/** For a tool's precheck: null when `check` passes, else the same refusal `execute` would give. */
export async function refusalOf(check: () => unknown): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (error) {
    return failure(error).content;
  }
}

export function view(routine: RoutineRecord) {
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

/** The routine named `raw` (trimmed), if any. */
export async function currentRoutine(
  routines: RoutinesPort,
  raw: string,
): Promise<RoutineRecord | undefined> {
  const name = raw.trim();
  return name ? routines.find(name) : undefined;
}

export async function findRoutine(routines: RoutinesPort, raw: string): Promise<RoutineRecord> {
  const routine = await currentRoutine(routines, raw);
  if (!routine) throw new RoutineInputError("name", `no routine named "${raw.trim()}"`);
  return routine;
}

/** A prompt shortened for a one-line approval summary. */
export function shortPrompt(prompt: string, limit = 300): string {
  return prompt.length > limit ? `${prompt.slice(0, limit - 1)}…` : prompt;
}
