/**
 * Approval prompts as Discord messages with an action row of buttons. A button's custom_id is
 * the shared approval codec's `ap:<approval id>:<a|w|d>` (Discord allows 100 characters);
 * anything else does not decode and is answered as stale. A settled prompt keeps its buttons,
 * disabled, with the chosen one still coloured, and a line naming the outcome — so the chat
 * shows what was decided even after the fact. Labels are the shared ones.
 */
import { type APIActionRowComponent, type APIButtonComponent, ButtonStyle, ComponentType } from "discord.js";
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { type DecodedApproval, decodeApprovalData, encodeApprovalData } from "../shared/approval-codec.ts";
import { approvalButtons, decisionOfOutcome, outcomeLabels } from "../shared/approval-labels.ts";

/** Room for the summary inside one 2000-character message, with the heading and outcome line. */
const MAX_SUMMARY = 1500;

export function encodeApprovalCustomId(approvalId: string, decision: ApprovalDecision): string {
  return encodeApprovalData(approvalId, decision);
}

export function decodeApprovalCustomId(customId: string | undefined): DecodedApproval | undefined {
  return decodeApprovalData(customId);
}

type Style = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

const styles: Record<ApprovalDecision, Style> = {
  approve: ButtonStyle.Success,
  always: ButtonStyle.Primary,
  deny: ButtonStyle.Danger,
};

/** The action row; with `settled`, every button is disabled and only the chosen one keeps its colour. */
export function approvalRow(
  prompt: ApprovalPrompt,
  settled?: ApprovalOutcome,
): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: approvalButtons(prompt).map((button) => ({
      type: ComponentType.Button,
      custom_id: encodeApprovalData(prompt.approvalId, button.decision),
      label: button.label,
      emoji: { name: button.emoji },
      style:
        settled === undefined || decisionOfOutcome[settled] === button.decision
          ? styles[button.decision]
          : ButtonStyle.Secondary,
      disabled: settled !== undefined,
    })),
  };
}

/** Keeps a summary from closing the code block it is shown in. */
function fenceSafe(text: string): string {
  const safe = text.replaceAll("```", "`\u200b`\u200b`");
  return safe.length > MAX_SUMMARY ? `${safe.slice(0, MAX_SUMMARY)}…` : safe;
}

export function approvalPromptText(prompt: ApprovalPrompt): string {
  const tool = prompt.tool.replaceAll("`", "'");
  return `🔐 **Approval needed:** \`${tool}\`\n\`\`\`\n${fenceSafe(prompt.summary)}\n\`\`\``;
}

export function settledPromptText(prompt: ApprovalPrompt, outcome: ApprovalOutcome): string {
  return `${approvalPromptText(prompt)}\n**${outcomeLabels[outcome]}**`;
}
