/**
 * Schedules: next slots in a named timezone across both DST changes, counting missed slots for
 * catch-up, and clear errors naming the field for bad expressions and timezones.
 */
import { describe, expect, test } from "bun:test";
import { compileSchedule, dueSlots, nextSlot, ScheduleError } from "../../src/scheduler/cron.ts";
import { checkSchedule, RoutineInputError } from "../../src/scheduler/routine-input.ts";

const iso = (date: Date | null) => date?.toISOString();

describe("next slot in a named timezone", () => {
  test("a daily 09:00 job keeps 09:00 local time across the spring and autumn changes", () => {
    const cron = compileSchedule("0 9 * * *", "Europe/Berlin");
    // CET (UTC+1) until 29 March 2026, CEST (UTC+2) after.
    expect(iso(nextSlot(cron, new Date("2026-03-28T12:00:00Z")))).toBe("2026-03-29T07:00:00.000Z");
    expect(iso(nextSlot(cron, new Date("2026-03-27T12:00:00Z")))).toBe("2026-03-28T08:00:00.000Z");
    // Back to CET on 25 October 2026.
    expect(iso(nextSlot(cron, new Date("2026-10-24T12:00:00Z")))).toBe("2026-10-25T08:00:00.000Z");
    expect(iso(nextSlot(cron, new Date("2026-10-23T12:00:00Z")))).toBe("2026-10-24T07:00:00.000Z");
  });

  test("a slot inside the spring-forward gap runs once, right after the gap", () => {
    const cron = compileSchedule("30 2 * * *", "Europe/Berlin");
    const first = nextSlot(cron, new Date("2026-03-28T12:00:00Z"));
    // 02:30 does not exist on 29 March: the job runs at 03:00 CEST = 01:00 UTC, once.
    expect(iso(first)).toBe("2026-03-29T01:00:00.000Z");
    expect(iso(nextSlot(cron, first as Date))).toBe("2026-03-30T00:30:00.000Z");
  });

  test("a slot in the repeated autumn hour runs once, not twice", () => {
    const cron = compileSchedule("30 2 * * *", "Europe/Berlin");
    const first = nextSlot(cron, new Date("2026-10-24T12:00:00Z")) as Date;
    const second = nextSlot(cron, first) as Date;
    expect(second.getTime() - first.getTime()).toBeGreaterThan(23 * 3600_000);
    expect(iso(first)).toBe("2026-10-25T00:30:00.000Z");
  });

  test("New York: Mondays at 9 follow EST and EDT", () => {
    const cron = compileSchedule("0 9 * * 1", "America/New_York");
    expect(iso(nextSlot(cron, new Date("2026-11-21T00:00:00Z")))).toBe("2026-11-23T14:00:00.000Z");
    expect(iso(nextSlot(cron, new Date("2026-07-01T00:00:00Z")))).toBe("2026-07-06T13:00:00.000Z");
  });

  test("six fields add seconds", () => {
    const cron = compileSchedule("*/15 * * * * *", "UTC");
    expect(iso(nextSlot(cron, new Date("2026-11-21T10:00:01Z")))).toBe("2026-11-21T10:00:15.000Z");
  });
});

describe("missed slots", () => {
  test("counts the slots due since the planned one and names the latest", () => {
    const cron = compileSchedule("*/5 * * * *", "UTC");
    const due = dueSlots(cron, new Date("2026-11-21T10:00:00Z"), new Date("2026-11-21T11:02:00Z"));
    expect(due.count).toBe(13);
    expect(iso(due.latest ?? null)).toBe("2026-11-21T11:00:00.000Z");
  });

  test("a long outage of a per-second schedule is bounded and still finds the latest slot", () => {
    const cron = compileSchedule("* * * * * *", "UTC");
    const due = dueSlots(cron, new Date("2026-11-21T10:00:00Z"), new Date("2026-11-28T10:00:00.500Z"), 50);
    expect(due.count).toBe(50);
    expect(iso(due.latest ?? null)).toBe("2026-11-28T10:00:00.000Z");
  });
});

describe("bad input names the field", () => {
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ScheduleError || error instanceof RoutineInputError)
        return [error.field, error.message];
      throw error;
    }
    throw new Error("expected an error");
  };

  test("an out-of-range minute", () => {
    const [name, message] = field(() => compileSchedule("61 * * * *", "UTC"));
    expect(name).toBe("schedule");
    expect(message).toContain("minute");
    expect(message).toContain('"61 * * * *"');
  });

  test("too few or too many fields", () => {
    expect(field(() => compileSchedule("* * * *", "UTC"))[1]).toContain("has 4 fields");
    expect(field(() => compileSchedule("0 0 9 * * 1 2027", "UTC"))[1]).toContain("has 7 fields");
  });

  test("an unknown timezone", () => {
    const [name, message] = field(() => checkSchedule("0 9 * * 1", "Mars/Olympus"));
    expect(name).toBe("timezone");
    expect(message).toContain("Mars/Olympus");
  });

  test("words instead of a schedule", () => {
    expect(field(() => checkSchedule("every monday", "UTC"))[0]).toBe("schedule");
  });
});
