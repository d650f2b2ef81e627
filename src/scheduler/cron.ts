/**
 * Cron expressions and timezones, checked up front with errors that name the bad field, and the
 * slot arithmetic the scheduler needs. croner does the calendar work (5 or 6 fields, DST: a
 * fixed-time slot that falls in a spring-forward gap runs at the first valid time after it, and a
 * repeated autumn hour runs once).
 */
import { Cron } from "croner";
import { parseTimezone } from "../config-parse.ts";

export class ScheduleError extends Error {
  constructor(
    readonly field: "schedule" | "timezone",
    message: string,
  ) {
    super(message);
    this.name = "ScheduleError";
  }
}

export function checkTimezone(timezone: string): string {
  try {
    return parseTimezone(timezone);
  } catch {
    throw new ScheduleError(
      "timezone",
      `timezone "${timezone}" is not an IANA timezone such as "UTC" or "Europe/Berlin"`,
    );
  }
}

/** A parsed schedule; throws ScheduleError naming the field that is wrong. */
export function compileSchedule(expression: string, timezone: string): Cron {
  const zone = checkTimezone(timezone);
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleError(
      "schedule",
      `schedule "${expression}" has ${fields.length} fields; use 5 (minute hour day month weekday) or 6 (with seconds first)`,
    );
  }
  try {
    const cron = new Cron(fields.join(" "), { timezone: zone, paused: true, mode: "5-or-6-parts" });
    if (cron.nextRun(new Date()) === null) throw new Error("it never fires");
    return cron;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
    throw new ScheduleError("schedule", `schedule "${expression}" is not a valid cron expression: ${reason}`);
  }
}

/** The first slot strictly after `after`, or null if the schedule has no more. */
export function nextSlot(cron: Cron, after: Date): Date | null {
  return cron.nextRun(after);
}

/**
 * Slots in (`from` - 1 ms, `until`]: the due ones. Counting stops at `limit` (only "one or more
 * than one" matters for catch-up, and a per-second schedule after a week down has 600k slots).
 */
export function dueSlots(
  cron: Cron,
  from: Date,
  until: Date,
  limit = 1000,
): { count: number; latest?: Date } {
  let count = 0;
  let latest: Date | undefined;
  let cursor: Date | null = new Date(from.getTime() - 1);
  while (count < limit) {
    cursor = cron.nextRun(cursor);
    if (!cursor || cursor.getTime() > until.getTime()) break;
    latest = cursor;
    count++;
  }
  if (count === limit && latest) {
    // Too many to walk: the latest due slot is the last one before `until`.
    const previous = cron.previousRuns(1, until)[0];
    if (previous) latest = previous;
  }
  return { count, latest };
}

/** A short human description of the next few slots, for confirmations. */
export function describeNext(cron: Cron, after: Date, timezone: string, count = 1): string {
  return cron
    .nextRuns(count, after)
    .map((date) =>
      date.toLocaleString("en-GB", {
        timeZone: timezone,
        weekday: "short",
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZoneName: "short",
      }),
    )
    .join(", ");
}
