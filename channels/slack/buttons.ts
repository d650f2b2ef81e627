/**
 * Approval prompts as Block Kit messages. Each button's `action_id` names the decision
 * (`ironclaw_approval_<approve|always|deny>`) and its `value` is the approval id; a press whose
 * pair does not decode is answered as stale. The settled prompt keeps the text, shows the
 * outcome and has no actions block, so nothing is left to press.
 */
import type { types } from "@slack/bolt";
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { escapeMrkdwn, SLACK_SECTION_LIMIT } from "./format.ts";

const ACTION_PREFIX = "ironclaw_approval_";
const APPROVAL_ID = /^[a-z0-9]{1,40}$/;
const decisions: readonly ApprovalDecision[] = ["approve", "always", "deny"];

export interface BlockMessage {
  /** Notification and fallback text. */
  text: string;
  blocks: types.KnownBlock[];
}

export function approvalActionId(decision: ApprovalDecision): string {
  return `${ACTION_PREFIX}${decision}`;
}

export function decodeApprovalAction(
  actionId: unknown,
  value: unknown,
): { approvalId: string; decision: ApprovalDecision } | undefined {
  if (typeof actionId !== "string" || typeof value !== "string" || !actionId.startsWith(ACTION_PREFIX))
    return undefined;
  const decision = actionId.slice(ACTION_PREFIX.length) as ApprovalDecision;
  if (!decisions.includes(decision) || !APPROVAL_ID.test(value)) return undefined;
  return { approvalId: value, decision };
}

function section(text: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function promptSections(prompt: ApprovalPrompt): types.SectionBlock[] {
  const title = `🔐 *Approval needed:* \`${escapeMrkdwn(prompt.tool)}\``;
  // The summary is already redacted and short; the cap only guards the 3,000-character block limit.
  const summary = escapeMrkdwn(prompt.summary.replaceAll("```", "ˋˋˋ")).slice(0, SLACK_SECTION_LIMIT - 10);
  return summary.trim() === "" ? [section(title)] : [section(title), section(`\`\`\`\n${summary}\n\`\`\``)];
}

function button(prompt: ApprovalPrompt, decision: ApprovalDecision, label: string): types.Button {
  const style =
    decision === "approve"
      ? { style: "primary" as const }
      : decision === "deny"
        ? { style: "danger" as const }
        : {};
  return {
    type: "button",
    action_id: approvalActionId(decision),
    value: prompt.approvalId,
    text: { type: "plain_text", text: label, emoji: true },
    ...style,
  };
}

export function approvalMessage(prompt: ApprovalPrompt): BlockMessage {
  const buttons = [button(prompt, "approve", "✅ Approve")];
  if (prompt.allowAlways) buttons.push(button(prompt, "always", "♾️ Always"));
  buttons.push(button(prompt, "deny", "❌ Deny"));
  return {
    text: `Approval needed: ${prompt.tool}`,
    blocks: [
      ...promptSections(prompt),
      { type: "actions", block_id: "ironclaw_approval", elements: buttons },
    ],
  };
}

const outcomeLabels: Record<ApprovalOutcome, string> = {
  approved: "✅ Approved",
  always: "♾️ Always allowed",
  denied: "❌ Denied",
  expired: "⌛ Expired",
};

export function settledApprovalMessage(prompt: ApprovalPrompt, outcome: ApprovalOutcome): BlockMessage {
  return {
    text: `${outcomeLabels[outcome]}: ${prompt.tool}`,
    blocks: [...promptSections(prompt), section(`*${outcomeLabels[outcome]}*`)],
  };
}
