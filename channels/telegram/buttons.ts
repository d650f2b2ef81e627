/**
 * Approval buttons as Telegram inline keyboards. Callback data is the shared approval codec's
 * `ap:<approval id>:<a|w|d>` (well under Telegram's 64-byte limit); anything else does not
 * decode and is answered as stale. Labels are the shared ones (../shared/approval-labels.ts).
 */
import type { ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { encodeApprovalData } from "../shared/approval-codec.ts";
import { approvalButtons, outcomeLabels } from "../shared/approval-labels.ts";
import { escapeHtml } from "./format.ts";

export function approvalKeyboard(prompt: ApprovalPrompt) {
  const row = approvalButtons(prompt).map((button) => ({
    text: button.text,
    callback_data: encodeApprovalData(prompt.approvalId, button.decision),
  }));
  return { inline_keyboard: [row] };
}

export function approvalPromptHtml(prompt: ApprovalPrompt): string {
  return `🔐 <b>Approval needed:</b> <code>${escapeHtml(prompt.tool)}</code>\n<pre>${escapeHtml(prompt.summary)}</pre>`;
}

export function settledPromptHtml(prompt: ApprovalPrompt, outcome: ApprovalOutcome): string {
  return `${approvalPromptHtml(prompt)}\n<b>${outcomeLabels[outcome]}</b>`;
}
