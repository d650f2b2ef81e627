import { describe, expect, test } from "bun:test";
import { createTimeTool } from "../../tools/time/index.ts";
import { createTestToolContext } from "../support/tool-context.ts";

// Sunday 2024-03-10 14:30:05 UTC (New York switched to daylight time that morning).
const fixed = new Date("2024-03-10T14:30:05.250Z");
const context = createTestToolContext({ now: () => fixed });
const tool = createTimeTool();

async function run(params: Record<string, unknown>) {
  const result = await tool.execute(params, context);
  return { result, value: result.isError ? null : JSON.parse(result.content) };
}

describe("time tool", () => {
  test("declares a read-only tool that never needs approval", () => {
    expect(tool.name).toBe("time");
    expect(tool.risk).toBe("read");
    expect(tool.approval).toBe("never");
    expect(tool.parameters.additionalProperties).toBe(false);
  });

  test("reports the injected instant in the requested timezone", async () => {
    const { result, value } = await run({ timezone: "America/New_York" });
    expect(result.isError).toBeFalsy();
    expect(value).toEqual({
      timezone: "America/New_York",
      iso: "2024-03-10T10:30:05-04:00",
      utc: "2024-03-10T14:30:05.250Z",
      local: expect.stringContaining("Sunday, March 10, 2024"),
      weekday: "Sunday",
      unixSeconds: 1710081005,
    });
    expect(value.local).toContain("10:30:05");
  });

  test("uses half-hour offsets and crosses the date line", async () => {
    expect((await run({ timezone: "Asia/Kolkata" })).value.iso).toBe("2024-03-10T20:00:05+05:30");
    const auckland = (await run({ timezone: "Pacific/Auckland" })).value;
    expect(auckland.iso).toBe("2024-03-11T03:30:05+13:00");
    expect(auckland.weekday).toBe("Monday");
  });

  test("UTC has a Z offset", async () => {
    expect((await run({ timezone: "UTC" })).value.iso).toBe("2024-03-10T14:30:05Z");
  });

  test("defaults to the configured zone, then the process zone", async () => {
    const tokyo = createTimeTool({ defaultTimezone: "Asia/Tokyo" });
    const tokyoValue = JSON.parse((await tokyo.execute({}, context)).content);
    expect(tokyoValue.timezone).toBe("Asia/Tokyo");
    expect(tokyoValue.iso).toBe("2024-03-10T23:30:05+09:00");
    // The test preload pins TZ=UTC.
    expect((await run({})).value.iso).toBe("2024-03-10T14:30:05Z");
  });

  test("an unknown timezone is an error result naming it", async () => {
    const { result } = await run({ timezone: "Mars/Olympus_Mons" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('"Mars/Olympus_Mons"');
    expect(result.content).toContain("IANA");
  });

  test("reads the clock on every call", async () => {
    let current = new Date("2030-01-01T00:00:00Z");
    const ticking = createTimeTool();
    const context = createTestToolContext({ now: () => current });
    expect(JSON.parse((await ticking.execute({ timezone: "UTC" }, context)).content).unixSeconds).toBe(
      1893456000,
    );
    current = new Date("2030-01-01T00:01:00Z");
    expect(JSON.parse((await ticking.execute({ timezone: "UTC" }, context)).content).unixSeconds).toBe(
      1893456060,
    );
  });
});
