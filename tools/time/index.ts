/**
 * The `time` tool: models have no clock, and "what day is it in Tokyo" is a common question, so
 * this answers with the current instant in any IANA timezone. The clock is injected so tests (and
 * replays) can pin "now".
 *
 * Approval tier: `never`. It only reads the clock; the current time is not a secret and cannot
 * carry anything out.
 */
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";
import { defaultTimezone, describeTime } from "./describe-time.ts";

export interface TimeToolDeps {
  /** The clock; defaults to the system clock. */
  now?: () => Date;
  /** Zone used when the call names none; defaults to the process timezone (TZ). */
  defaultTimezone?: string;
}

export function createTimeTool(deps: TimeToolDeps = {}): Tool {
  const now = deps.now ?? (() => new Date());
  return {
    name: "time",
    description:
      "Get the current date and time. Optionally pass an IANA timezone (e.g. Europe/Berlin, " +
      "America/New_York, Asia/Tokyo); returns ISO time with offset, UTC time, a readable local " +
      "time, the weekday and unix seconds.",
    parameters: {
      type: "object",
      properties: {
        timezone: {
          type: "string",
          minLength: 1,
          description: "IANA timezone name such as Europe/Berlin; defaults to the owner's timezone",
        },
      },
      additionalProperties: false,
    },
    risk: "read",
    approval: "never",
    async execute(params): Promise<ToolResult> {
      const requested = typeof params.timezone === "string" ? params.timezone.trim() : "";
      const timezone = requested || deps.defaultTimezone || defaultTimezone();
      try {
        return { content: JSON.stringify(describeTime(now(), timezone)) };
      } catch (error) {
        if (error instanceof RangeError) {
          return {
            content: `Unknown timezone "${timezone}": use an IANA name such as Europe/Berlin or UTC.`,
            isError: true,
          };
        }
        throw error;
      }
    },
  };
}
