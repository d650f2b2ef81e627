/**
 * The `time` tool: models have no clock, and "what day is it in Tokyo" is a common question, so
 * this answers with the current instant in any IANA timezone. The clock is the host's
 * (`context.now`), so tests and replays pin "now" in one place.
 *
 * Approval tier: `never`. It only reads the clock; the current time is not a secret and cannot
 * carry anything out.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";
import { defaultTimezone, describeTime } from "./describe-time.ts";

export interface TimeToolDeps {
  /** Zone used when the call names none; defaults to the process timezone (TZ). */
  defaultTimezone?: string;
}

export function createTimeTool(deps: TimeToolDeps = {}): Tool {
  return defineTool({
    name: "time",
    description: "Current date, time and weekday; the owner's timezone unless given.",
    parameters: {
      type: "object",
      properties: {
        timezone: {
          type: "string",
          minLength: 1,
          description: "IANA, e.g. Europe/Berlin",
        },
      },
      additionalProperties: false,
    },
    risk: "read",
    approval: "never",
    async execute(params, context): Promise<ToolResult> {
      const requested = params.timezone?.trim() ?? "";
      const timezone = requested || deps.defaultTimezone || defaultTimezone();
      try {
        return { content: JSON.stringify(describeTime(context.now(), timezone)) };
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
  });
}
