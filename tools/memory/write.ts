/**
 * memory_write: append to or replace a memory document; without a path, appends to today's
 * daily note. Writes go through the call's `workspace` capability, which the host serves from
 * the memory documents and the tool pipeline guards: a write that names a system-prompt file
 * (AGENTS.md, SOUL.md, USER.md, MEMORY.md, HEARTBEAT.md) asks the owner every time
 * (`approvalFor`, and the approval policy independently), one carrying injection markers is
 * refused outright, and the workspace refuses such a write from a call nobody approved.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool, ToolApproval } from "../../src/plugin/tool.ts";
import { inputFailure, type MemoryPort } from "./port.ts";

const promptFiles = new Set(["agents.md", "soul.md", "user.md", "memory.md", "heartbeat.md"]);

function formsSystemPrompt(path: string | undefined): boolean {
  if (!path) return false;
  const normalized = path
    .replaceAll("\\", "/")
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
  return promptFiles.has(normalized.toLowerCase());
}

export function createMemoryWriteTool(memory: MemoryPort): Tool {
  return defineTool({
    name: "memory_write",
    description:
      "Save to memory. mode append (default) adds to the end, replace overwrites. Without a path, appends to today's daily note. Writing AGENTS.md, SOUL.md, USER.md or MEMORY.md needs the owner's approval.",
    risk: "write",
    approval: "never",
    parameters: {
      type: "object",
      properties: {
        path: { type: "string", description: "e.g. notes/travel.md; default: today's daily note" },
        content: { type: "string", minLength: 1 },
        mode: { type: "string", enum: ["append", "replace"] },
      },
      required: ["content"],
      additionalProperties: false,
    },
    approvalFor: async (params): Promise<ToolApproval> =>
      formsSystemPrompt(params.path) ? "always" : "never",
    summarize: (params) =>
      `${params.mode === "replace" ? "replace" : "append to"} ${params.path ?? "today's daily note"}: ${params.content.slice(0, 200)}`,
    async execute(params, context) {
      const path = params.path ?? memory.dailyNotePath(context.now());
      try {
        let content = params.content;
        if (params.mode !== "replace") {
          const existing = (await memory.get(path))?.content ?? "";
          content = existing.trim() === "" ? content : `${existing.replace(/\s+$/, "")}\n\n${content}`;
        }
        await context.workspace.write(path, content);
        return { content: JSON.stringify({ written: path, mode: params.mode ?? "append" }) };
      } catch (error) {
        return inputFailure(error);
      }
    },
  });
}
