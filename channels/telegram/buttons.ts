/**
 * Approval buttons as Telegram inline keyboards. Callback data is `ap:<approval id>:<a|w|d>`
 * (well under Telegram's 64-byte limit); anything else does not decode and is answered as stale.
 */
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { escapeHtml } from "./format.ts";

const codes: Record<ApprovalDecision, string> = { approve: "a", always: "w", deny: "d" };
const decisions: Record<string, ApprovalDecision> = { a: "approve", w: "always", d: "deny" };

export function encodeApprovalData(approvalId: string, decision: ApprovalDecision): string {
  return `ap:${approvalId}:${codes[decision]}`;
}

export function decodeApprovalData(
  data: string | undefined,
): { approvalId: string; decision: ApprovalDecision } | undefined {
  const match = /^ap:([a-z0-9]{1,40}):([awd])$/.exec(data ?? "");
  if (!match) return undefined;
  return { approvalId: match[1] as string, decision: decisions[match[2] as string] as ApprovalDecision };
}

export function approvalKeyboard(prompt: ApprovalPrompt) {
  const row = [{ text: "✅ Approve", callback_data: encodeApprovalData(prompt.approvalId, "approve") }];
  if (prompt.allowAlways)
    row.push({ text: "♾️ Always", callback_data: encodeApprovalData(prompt.approvalId, "always") });
  row.push({ text: "❌ Deny", callback_data: encodeApprovalData(prompt.approvalId, "deny") });
  return { inline_keyboard: [row] };
}

export function approvalPromptHtml(prompt: ApprovalPrompt): string {
  return `🔐 <b>Approval needed:</b> <code>${escapeHtml(prompt.tool)}</code>\n<pre>${escapeHtml(prompt.summary)}</pre>`;
}

const outcomeLabels: Record<ApprovalOutcome, string> = {
  approved: "✅ Approved",
  always: "♾️ Always allowed",
  denied: "❌ Denied",
  expired: "⌛ Expired",
};

export function settledPromptHtml(prompt: ApprovalPrompt, outcome: ApprovalOutcome): string {
  return `${approvalPromptHtml(prompt)}\n<b>${outcomeLabels[outcome]}</b>`;
}
