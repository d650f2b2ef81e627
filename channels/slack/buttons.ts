/**
 * Approval prompts as Block Kit messages. Each button's `action_id` names the decision
 * (`ironclaw_approval_<approve|always|deny>`; Slack wants distinct action ids in one block) and
 * its `value` is the approval id, both checked with the shared codec's grammar; a press whose
 * pair does not decode is answered as stale. The settled prompt keeps the text, shows the
 * outcome and has no actions block, so nothing is left to press. Labels are the shared ones.
 */
import type { types } from "@slack/bolt";
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { type DecodedApproval, isApprovalDecision, isApprovalId } from "../shared/approval-codec.ts";
import { approvalButtons, outcomeLabels } from "../shared/approval-labels.ts";
import { escapeMrkdwn, SLACK_SECTION_LIMIT } from "./format.ts";

const ACTION_PREFIX = "ironclaw_approval_";
/** Slack's action_id limit. */
const MAX_ACTION_ID = 255;

export interface BlockMessage {
  /** Notification and fallback text. */
  text: string;
  blocks: types.KnownBlock[];
}

export function approvalActionId(decision: ApprovalDecision): string {
  return `${ACTION_PREFIX}${decision}`;
}

export function decodeApprovalAction(actionId: unknown, value: unknown): DecodedApproval | undefined {
  if (typeof actionId !== "string" || actionId.length > MAX_ACTION_ID || !actionId.startsWith(ACTION_PREFIX))
    return undefined;
  const decision = actionId.slice(ACTION_PREFIX.length);
  if (!isApprovalDecision(decision) || !isApprovalId(value)) return undefined;
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
  if (!isApprovalId(prompt.approvalId)) throw new RangeError(`not an approval id: ${prompt.approvalId}`);
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
  const buttons = approvalButtons(prompt).map((offered) => button(prompt, offered.decision, offered.text));
  return {
    text: `Approval needed: ${prompt.tool}`,
    blocks: [
      ...promptSections(prompt),
      { type: "actions", block_id: "ironclaw_approval", elements: buttons },
    ],
  };
}

export function settledApprovalMessage(prompt: ApprovalPrompt, outcome: ApprovalOutcome): BlockMessage {
  return {
    text: `${outcomeLabels[outcome]}: ${prompt.tool}`,
    blocks: [...promptSections(prompt), section(`*${outcomeLabels[outcome]}*`)],
  };
}
