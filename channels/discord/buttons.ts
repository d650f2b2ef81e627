/**
 * Approval prompts as Discord messages with an action row of buttons. A button's custom_id is
 * `ap:<approval id>:<a|w|d>` (Discord allows 100 characters; ids are at most 40); anything else
 * does not decode and is answered as stale. A settled prompt keeps its buttons, disabled, with
 * the chosen one still coloured, and a line naming the outcome — so the chat shows what was
 * decided even after the fact.
 */
import { type APIActionRowComponent, type APIButtonComponent, ButtonStyle, ComponentType } from "discord.js";
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";

const codes: Record<ApprovalDecision, string> = { approve: "a", always: "w", deny: "d" };
const decisions: Record<string, ApprovalDecision> = { a: "approve", w: "always", d: "deny" };
/** Room for the summary inside one 2000-character message, with the heading and outcome line. */
const MAX_SUMMARY = 1500;

export function encodeApprovalCustomId(approvalId: string, decision: ApprovalDecision): string {
  return `ap:${approvalId}:${codes[decision]}`;
}

export function decodeApprovalCustomId(
  customId: string | undefined,
): { approvalId: string; decision: ApprovalDecision } | undefined {
  const match = /^ap:([a-z0-9]{1,40}):([awd])$/.exec(customId ?? "");
  if (!match) return undefined;
  return { approvalId: match[1] as string, decision: decisions[match[2] as string] as ApprovalDecision };
}

type Style = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;

const buttons: { decision: ApprovalDecision; label: string; emoji: string; style: Style }[] = [
  { decision: "approve", label: "Approve", emoji: "✅", style: ButtonStyle.Success },
  { decision: "always", label: "Always", emoji: "♾️", style: ButtonStyle.Primary },
  { decision: "deny", label: "Deny", emoji: "❌", style: ButtonStyle.Danger },
];

const chosen: Record<ApprovalOutcome, ApprovalDecision | undefined> = {
  approved: "approve",
  always: "always",
  denied: "deny",
  expired: undefined,
};

/** The action row; with `settled`, every button is disabled and only the chosen one keeps its colour. */
export function approvalRow(
  prompt: ApprovalPrompt,
  settled?: ApprovalOutcome,
): APIActionRowComponent<APIButtonComponent> {
  const offered = buttons.filter((button) => button.decision !== "always" || prompt.allowAlways);
  return {
    type: ComponentType.ActionRow,
    components: offered.map((button) => ({
      type: ComponentType.Button,
      custom_id: encodeApprovalCustomId(prompt.approvalId, button.decision),
      label: button.label,
      emoji: { name: button.emoji },
      style:
        settled === undefined || chosen[settled] === button.decision ? button.style : ButtonStyle.Secondary,
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

const outcomeLabels: Record<ApprovalOutcome, string> = {
  approved: "✅ Approved",
  always: "♾️ Always allowed",
  denied: "❌ Denied",
  expired: "⌛ Expired",
};

export function settledPromptText(prompt: ApprovalPrompt, outcome: ApprovalOutcome): string {
  return `${approvalPromptText(prompt)}\n**${outcomeLabels[outcome]}**`;
}
