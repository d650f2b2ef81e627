/**
 * routine_create: schedule a prompt from chat. It is `always` tier: a new routine is as powerful
 * as rewriting one ("fetch this URL every second"), so the owner sees the name, schedule and
 * prompt every time and "Always" is not offered. Results go to the chat the routine was made in.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, refusalOf, result, scheduleDoc, view } from "./support.ts";

export function createRoutineCreateTool(routines: RoutinesPort): Tool {
  return defineTool({
    name: "routine_create",
    description: "Schedule a prompt to run by itself (reminders, checks); results come to this chat.",
    risk: "write",
    offer: "on-search",
    approval: "always",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string" },
        schedule: { type: "string", description: scheduleDoc },
        timezone: { type: "string", description: "IANA, default the owner's" },
        prompt: { type: "string", description: "e.g. Remind the owner to pay rent" },
        notify: {
          type: "string",
          enum: ["attention", "success", "failure"],
          description: "default attention",
        },
        catch_up: { type: "string", enum: ["once", "skip"], description: "after downtime; default once" },
      },
      required: ["name", "schedule", "prompt"],
      additionalProperties: false,
    },
    precheck: (params) => refusalOf(() => routines.checkDraft(draftOf(params))),
    summarize: (params) => {
      const options = [
        params.timezone === undefined ? "" : `, timezone ${params.timezone}`,
        params.notify === undefined ? "" : `, notify ${params.notify}`,
      ].join("");
      return `create routine “${params.name}” at “${params.schedule}”${options}: ${params.prompt}`;
    },
    async execute(params, context) {
      try {
        const { routine, nextRuns } = await routines.create(draftOf(params), context.conversationId);
        return result({ created: view(routine), next_runs: nextRuns });
      } catch (error) {
        return failure(error);
      }
    },
  });
}

function draftOf(params: {
  name: string;
  schedule: string;
  timezone?: string;
  prompt: string;
  notify?: string;
  catch_up?: string;
}) {
  const { catch_up: catchUp, ...rest } = params;
  return catchUp === undefined ? rest : { ...rest, catchUp };
}
