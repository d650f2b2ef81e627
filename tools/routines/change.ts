/**
 * What a routine_update call would change, judged before anything is written. A routine runs
 * unattended with every tool the model has, so a change that makes it do more or something else
 * — a new prompt, schedule, timezone or notify policy, or switching it back on — is exactly what
 * a prompt-injected model would ask for ("fetch this URL every second, tell nobody"). Such a
 * change needs the owner; switching a routine off or changing `catch_up` only does not.
 *
 * Values are compared the way the store will save them (trimmed prompt, single-spaced schedule),
 * so restating the current value is not a change.
 */
import type { RoutineChange, RoutineRecord } from "../../src/plugin/ports/routines-port.ts";

export interface RoutineFieldChange {
  field: "prompt" | "schedule" | "timezone" | "notify" | "enabled" | "catch_up";
  from: string;
  to: string;
  /** True when the change needs the owner's approval. */
  needsApproval: boolean;
}

const yesNo = (value: boolean): string => (value ? "yes" : "no");

/**
 * The fields `params` would change on `routine`, in a fixed order. `canonicalTimezone` spells a
 * zone as the store will; an invalid zone counts as a change (the precheck refuses it before
 * anyone is asked).
 */
export function routineChanges(
  routine: RoutineRecord,
  params: RoutineChange,
  canonicalTimezone: (timezone: string) => string | undefined,
): RoutineFieldChange[] {
  const changes: RoutineFieldChange[] = [];
  const add = (field: RoutineFieldChange["field"], from: string, to: string, needsApproval: boolean) => {
    if (from !== to) changes.push({ field, from, to, needsApproval });
  };
  if (params.prompt !== undefined) add("prompt", routine.prompt, params.prompt.trim(), true);
  if (params.schedule !== undefined) {
    add("schedule", routine.schedule, params.schedule.trim().replace(/\s+/g, " "), true);
  }
  if (params.timezone !== undefined) {
    add("timezone", routine.timezone, canonicalTimezone(params.timezone) ?? params.timezone, true);
  }
  if (params.notify !== undefined) add("notify", routine.notify, params.notify, true);
  if (params.enabled !== undefined) {
    const enabled = params.enabled === true;
    add("enabled", yesNo(routine.enabled), yesNo(enabled), enabled);
  }
  if (params.catch_up !== undefined) add("catch_up", routine.catchUp, params.catch_up, false);
  return changes;
}

function quoted(text: string, limit: number): string {
  return `“${text.length > limit ? `${text.slice(0, limit - 1)}…` : text}”`;
}

/**
 * The approval prompt's text: one line per changed field, old → new. The new value is shown in
 * full (it is what the owner approves); the old one, the owner's own text, is shortened.
 */
export function describeRoutineChanges(name: string, changes: readonly RoutineFieldChange[]): string {
  if (changes.length === 0) return `update routine “${name}”: no change`;
  const lines = changes.map(
    (change) =>
      `${change.field}: ${quoted(change.from, 200)} → ${quoted(change.to, Number.POSITIVE_INFINITY)}`,
  );
  return [`update routine “${name}”:`, ...lines].join("\n");
}
