/**
 * Whether a tool call may run, must be refused, or needs the owner. The tool declares a tier
 * (`never | unless-auto-approved | always`); the owner's per-tool choice (`ask | always-allow |
 * disabled`, stored in settings as `tool_policy.<name>`) refines it. "always-allow" never lifts
 * an `always`-tier tool: those ask every time. A disabled tool is refused whatever its tier.
 */
import type { GateVerdict } from "../agent/loop.ts";
import type { PreparedCall } from "../agent/tool-runner.ts";
import type { Database } from "../db/client.ts";
import { getSetting, putSetting } from "../db/settings.ts";

export const toolChoices = ["ask", "always-allow", "disabled"] as const;
export type ToolChoice = (typeof toolChoices)[number];

const settingKey = (tool: string) => `tool_policy.${tool}`;

export async function getToolChoice(db: Database, tool: string): Promise<ToolChoice> {
  const value = await getSetting(db, settingKey(tool));
  return (toolChoices as readonly string[]).includes(value ?? "") ? (value as ToolChoice) : "ask";
}

export async function setToolChoice(db: Database, tool: string, choice: ToolChoice): Promise<void> {
  await putSetting(db, settingKey(tool), choice);
}

export function createApprovalGate(db: Database) {
  return async function approvalGate(prepared: PreparedCall): Promise<GateVerdict> {
    const tool = prepared.tool;
    if (!tool) return { action: "run" };
    const choice = await getToolChoice(db, tool.name);
    if (choice === "disabled") {
      return { action: "refuse", reason: `The owner has disabled the tool ${tool.name}; it was not run.` };
    }
    if (tool.approval === "never") return { action: "run" };
    if (tool.approval === "unless-auto-approved" && choice === "always-allow") return { action: "run" };
    return { action: "ask" };
  };
}
