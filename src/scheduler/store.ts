/**
 * Creating and changing routines with validation, shared by the chat tools, the CLI and the API.
 * The next slot is computed from now whenever the timing changes or a routine is re-enabled, so
 * time spent disabled is never "caught up".
 */
import type { Database } from "../db/client.ts";
import { createRoutine, type Routine, updateRoutine } from "../db/routines.ts";
import type { RoutineChange } from "../plugin/ports/routines-port.ts";
import { nextSlot } from "./cron.ts";
import {
  checkCatchUp,
  checkName,
  checkNotify,
  checkPrompt,
  checkSchedule,
  type RoutineInput,
  RoutineInputError,
} from "./routine-input.ts";

/** What the store needs from the scheduler: its clock, default timezone, and a wake-up. */
export interface SchedulerClock {
  now(): Date;
  readonly timezone: string;
  poke(): void;
}

export async function createRoutineRow(
  db: Database,
  scheduler: SchedulerClock,
  input: RoutineInput,
): Promise<Routine> {
  const name = checkName(input.name);
  const prompt = checkPrompt(input.prompt);
  const checked = checkSchedule(input.schedule, input.timezone ?? scheduler.timezone);
  const routine = await createRoutine(db, {
    name,
    prompt,
    schedule: checked.schedule,
    timezone: checked.timezone,
    notify: checkNotify(input.notify ?? "attention"),
    catchUp: checkCatchUp(input.catchUp ?? "once"),
    channel: input.channel ?? null,
    chatId: input.chatId ?? null,
    enabled: input.enabled ?? true,
    nextRunAt: input.enabled === false ? null : nextSlot(checked.cron, scheduler.now()),
  });
  scheduler.poke();
  return routine;
}

/** Applies a partial change; a new schedule, timezone or re-enabling recomputes the next slot from now. */
export async function updateRoutineRow(
  db: Database,
  scheduler: SchedulerClock,
  routine: Routine,
  params: RoutineChange,
): Promise<Routine> {
  const changes: Parameters<typeof updateRoutine>[2] = {};
  if (params.prompt !== undefined) changes.prompt = checkPrompt(params.prompt);
  if (params.notify !== undefined) changes.notify = checkNotify(params.notify);
  if (params.catch_up !== undefined) changes.catchUp = checkCatchUp(params.catch_up);
  const schedule = params.schedule ?? routine.schedule;
  const timezone = params.timezone ?? routine.timezone;
  const checked = checkSchedule(schedule, timezone);
  const enabled = params.enabled === undefined ? routine.enabled : params.enabled === true;
  const timing =
    params.schedule !== undefined || params.timezone !== undefined || (enabled && !routine.enabled);
  changes.schedule = checked.schedule;
  changes.timezone = checked.timezone;
  changes.enabled = enabled;
  if (!enabled) changes.nextRunAt = null;
  else if (timing || !routine.nextRunAt) changes.nextRunAt = nextSlot(checked.cron, scheduler.now());
  const updated = await updateRoutine(db, routine.id, changes);
  if (!updated) throw new RoutineInputError("name", `no routine named "${routine.name}"`);
  scheduler.poke();
  return updated;
}
