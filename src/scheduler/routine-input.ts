/**
 * Checking what the owner (through a tool, the CLI or the API) asks a routine to be. Every
 * rejection names the field and says what would be accepted.
 */
import {
  type CatchUpPolicy,
  catchUpPolicies,
  type NotifyPolicy,
  notifyPolicies,
} from "../db/schema/routines.ts";
import { RoutineInputError } from "../plugin/ports/routines-port.ts";
import { checkTimezone, compileSchedule, ScheduleError } from "./cron.ts";

export const HEARTBEAT_NAME = "heartbeat";
export const MAX_PROMPT_CHARS = 4000;

// Defined with the port the routine tools use, so both sides throw and catch the same class.
export { RoutineInputError };

export interface RoutineInput {
  name: string;
  schedule: string;
  timezone?: string;
  prompt: string;
  channel?: string | null;
  chatId?: string | null;
  notify?: string;
  catchUp?: string;
  enabled?: boolean;
}

export function checkName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim() : "";
  if (!/^[\p{L}\p{N}][\p{L}\p{N} _.-]{0,63}$/u.test(name)) {
    throw new RoutineInputError(
      "name",
      "name must be 1-64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit",
    );
  }
  if (name.toLowerCase() === HEARTBEAT_NAME) {
    throw new RoutineInputError("name", `"${HEARTBEAT_NAME}" is the built-in heartbeat; pick another name`);
  }
  return name;
}

export function checkPrompt(raw: unknown): string {
  const prompt = typeof raw === "string" ? raw.trim() : "";
  if (!prompt) throw new RoutineInputError("prompt", "prompt must say what to do when the routine runs");
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw new RoutineInputError(
      "prompt",
      `prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT_CHARS}`,
    );
  }
  if (prompt.startsWith("/")) {
    throw new RoutineInputError(
      "prompt",
      "prompt must be an instruction, not a chat command starting with /",
    );
  }
  return prompt;
}

export function checkNotify(raw: unknown): NotifyPolicy {
  if (!notifyPolicies.includes(raw as NotifyPolicy)) {
    throw new RoutineInputError("notify", `notify must be one of ${notifyPolicies.join(", ")}`);
  }
  return raw as NotifyPolicy;
}

export function checkCatchUp(raw: unknown): CatchUpPolicy {
  if (!catchUpPolicies.includes(raw as CatchUpPolicy)) {
    throw new RoutineInputError("catch_up", `catch_up must be one of ${catchUpPolicies.join(", ")}`);
  }
  return raw as CatchUpPolicy;
}

/** Schedule and timezone together (the schedule is read in the timezone). */
export function checkSchedule(schedule: unknown, timezone: string) {
  if (typeof schedule !== "string" || !schedule.trim()) {
    throw new RoutineInputError("schedule", 'schedule must be a cron expression such as "0 9 * * 1"');
  }
  try {
    const zone = checkTimezone(timezone);
    const expression = schedule.trim().replace(/\s+/g, " ");
    return { schedule: expression, timezone: zone, cron: compileSchedule(expression, zone) };
  } catch (error) {
    if (error instanceof ScheduleError) throw new RoutineInputError(error.field, error.message);
    throw error;
  }
}
