/**
 * Whether a tool call may run, must be refused, or needs the owner. The tool declares a tier
 * (`never | unless-auto-approved | always`); the owner's per-tool choice (`ask | always-allow |
 * disabled`, stored in settings as `tool_policy.<name>`) refines it. "always-allow" never lifts
 * an `always`-tier tool: those ask every time. A disabled tool is refused whatever its tier.
 *
 * A tool may set the tier per call (`approvalFor`): routine_update is `always` for a change that
 * makes a routine do more (prompt, schedule, timezone, notify, re-enabling) and `never` for one
 * that does not, so the owner's "Always" can never let a prompt-injected model rewrite a routine.
 * The same tier decides whether "Always" is offered on the prompt.
 */
import type { PreparedCall } from "../agent/tool-runner.ts";
import type { ApprovalGate, GateVerdict } from "../agent/tool-steps/approval.ts";
import type { Database } from "../db/client.ts";
import { getSetting, putSetting, type SettingLookup } from "../db/settings.ts";
import type { Tool, ToolApproval } from "../plugin/tool.ts";
import { systemPromptFilesNamedIn } from "../safety/system-prompt-files.ts";

export const toolChoices = ["ask", "always-allow", "disabled"] as const;
export type ToolChoice = (typeof toolChoices)[number];

const settingKey = (tool: string) => `tool_policy.${tool}`;

export async function getToolChoice(
  db: Database,
  tool: string,
  readSetting: SettingLookup = (key) => getSetting(db, key),
): Promise<ToolChoice> {
  const value = await readSetting(settingKey(tool));
  return (toolChoices as readonly string[]).includes(value ?? "") ? (value as ToolChoice) : "ask";
}

export async function setToolChoice(db: Database, tool: string, choice: ToolChoice): Promise<void> {
  await putSetting(db, settingKey(tool), choice);
}

/** The policy the pipeline's approval step asks (src/agent/tool-steps/approval.ts). */
export function createApprovalGate(
  db: Database,
  readSetting: SettingLookup = (key) => getSetting(db, key),
): ApprovalGate {
  return async function approvalGate(prepared: PreparedCall): Promise<GateVerdict> {
    const tool = prepared.tool;
    if (!tool) return { action: "run" };
    const choice = await getToolChoice(db, tool.name, readSetting);
    if (choice === "disabled") {
      return { action: "refuse", reason: `The owner has disabled the tool ${tool.name}; it was not run.` };
    }
    const tier = await approvalTierOf(tool, prepared.params ?? {});
    if (tier === "never") return { action: "run" };
    if (tier === "unless-auto-approved" && choice === "always-allow") return { action: "run" };
    return { action: "ask" };
  };
}

/** The tier of one call: the tool's per-call answer, else its declared tier; fails closed. */
export async function approvalTierOf(tool: Tool, params: Record<string, unknown>): Promise<ToolApproval> {
  // A call that may write a file forming the system prompt asks every time (src/safety/).
  if (tool.risk !== "read" && systemPromptFilesNamedIn(params).length > 0) return "always";
  if (!tool.approvalFor) return tool.approval;
  try {
    return await tool.approvalFor(params);
  } catch {
    return "always";
  }
}
