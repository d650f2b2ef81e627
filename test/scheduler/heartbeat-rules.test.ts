/** The heartbeat's pure rules: empty checklists, "nothing to report" answers, quiet hours. */
import { describe, expect, test } from "bun:test";
import {
  classifyAnswer,
  effectiveChecklist,
  heartbeatTemplate,
  inQuietHours,
  quietHoursEnd,
} from "../../src/scheduler/heartbeat.ts";

describe("an effectively empty checklist", () => {
  test("the seeded template, blanks, comments, headings and empty items count as empty", () => {
    expect(effectiveChecklist(heartbeatTemplate)).toBe("");
    expect(effectiveChecklist("\n\n   \n")).toBe("");
    expect(effectiveChecklist("# Checks\n<!-- later -->\n- \n- [ ]\n1.\n")).toBe("");
  });

  test("one real item is kept", () => {
    expect(effectiveChecklist("# Checks\n<!-- x -->\n- Is the backup older than a day?\n")).toBe(
      "- Is the backup older than a day?",
    );
  });
});

describe("classifying an answer", () => {
  test("the token alone, wrapped in Markdown or with a short ack is nothing to report", () => {
    for (const text of [
      "HEARTBEAT_OK",
      "  **HEARTBEAT_OK**\n",
      "HEARTBEAT_OK - all good.",
      "ROUTINE_OK",
      "",
    ]) {
      expect(classifyAnswer(text)).toEqual({ quiet: true });
    }
  });

  test("a real message is delivered without the token", () => {
    expect(classifyAnswer("Your backup is 3 days old.")).toEqual({
      quiet: false,
      text: "Your backup is 3 days old.",
    });
    const mixed = classifyAnswer(
      "HEARTBEAT_OK\nExcept: the certificate for example.org expires tomorrow, renew it today.",
    );
    expect(mixed.quiet).toBe(false);
    expect(JSON.stringify(mixed)).not.toContain("HEARTBEAT_OK");
  });
});

describe("quiet hours", () => {
  const overnight = { startMinute: 22 * 60, endMinute: 7 * 60 };
  test("a range across midnight, in the owner's timezone", () => {
    // 21:30 UTC = 22:30 in Berlin (CET).
    expect(inQuietHours(new Date("2026-11-21T21:30:00Z"), overnight, "Europe/Berlin")).toBe(true);
    expect(inQuietHours(new Date("2026-11-21T21:30:00Z"), overnight, "UTC")).toBe(false);
    expect(inQuietHours(new Date("2026-11-22T05:59:00Z"), overnight, "Europe/Berlin")).toBe(true);
    expect(inQuietHours(new Date("2026-11-22T06:00:00Z"), overnight, "Europe/Berlin")).toBe(false);
    expect(inQuietHours(new Date("2026-11-22T12:00:00Z"), undefined, "UTC")).toBe(false);
  });

  test("held messages go out when quiet hours end", () => {
    expect(quietHoursEnd(new Date("2026-11-21T21:30:00Z"), overnight, "Europe/Berlin").toISOString()).toBe(
      "2026-11-22T06:00:00.000Z",
    );
  });
});
