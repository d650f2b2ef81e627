/**
 * The words and emoji of approvals, the same on every platform: the buttons, the outcome line a
 * settled prompt shows, and the notices a presser sees when a press changes nothing.
 */
import type { ApprovalDecision, ApprovalOutcome, ApprovalPrompt } from "../../src/plugin/channel.ts";
import { APPROVAL_DECISIONS } from "./approval-codec.ts";

export interface ApprovalButtonLabel {
  decision: ApprovalDecision;
  emoji: string;
  label: string;
  /** Emoji and label, for platforms whose buttons are plain text. */
  text: string;
}

const emojis: Record<ApprovalDecision, string> = { approve: "✅", always: "♾️", deny: "❌" };
const labels: Record<ApprovalDecision, string> = { approve: "Approve", always: "Always", deny: "Deny" };

/** The buttons a prompt offers, in order: Always only when the prompt allows it. */
export function approvalButtons(prompt: Pick<ApprovalPrompt, "allowAlways">): ApprovalButtonLabel[] {
  return APPROVAL_DECISIONS.filter((decision) => decision !== "always" || prompt.allowAlways).map(
    (decision) => ({
      decision,
      emoji: emojis[decision],
      label: labels[decision],
      text: `${emojis[decision]} ${labels[decision]}`,
    }),
  );
}

/** The line a settled prompt shows. */
export const outcomeLabels: Readonly<Record<ApprovalOutcome, string>> = {
  approved: "✅ Approved",
  always: "♾️ Always allowed",
  denied: "❌ Denied",
  expired: "⌛ Expired",
};

/** Which button an outcome came from (expired prompts were never pressed). */
export const decisionOfOutcome: Readonly<Record<ApprovalOutcome, ApprovalDecision | undefined>> = {
  approved: "approve",
  always: "always",
  denied: "deny",
  expired: undefined,
};

/** For a press whose data does not decode. */
export const STALE_PRESS_NOTICE = "This button is no longer valid.";
/** For a press the host could not record (e.g. the database is down); nothing ran. */
export const FAILED_PRESS_NOTICE = "Your decision could not be recorded; nothing was run. Please try again.";
