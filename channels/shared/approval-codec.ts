/**
 * The approval a button carries, as data a platform echoes back on a press: Telegram's
 * callback_data and Discord's custom_id are `ap:<approval id>:<a|w|d>`. Slack puts the decision
 * in the action_id and the id in the value; it validates both with the same grammar here.
 *
 * Decoding is strict because a press is untrusted input: anything that is not a string, longer
 * than Telegram's 64-byte limit, or not exactly this grammar decodes to undefined (and is
 * answered as stale). Deciding is still the host's job: a valid-looking id proves nothing.
 */
import type { ApprovalDecision } from "../../src/plugin/channel.ts";

export interface DecodedApproval {
  approvalId: string;
  decision: ApprovalDecision;
}

/** The decisions in the order their buttons are shown. */
export const APPROVAL_DECISIONS: readonly ApprovalDecision[] = ["approve", "always", "deny"];
/** Telegram's callback_data limit, the smallest of the platforms'. */
export const MAX_APPROVAL_DATA_LENGTH = 64;

const APPROVAL_ID = /^[a-z0-9]{1,40}$/;
const DATA = /^ap:([a-z0-9]{1,40}):([awd])$/;
const codes: Record<ApprovalDecision, string> = { approve: "a", always: "w", deny: "d" };
const decisionsByCode: Record<string, ApprovalDecision> = { a: "approve", w: "always", d: "deny" };

export function isApprovalId(value: unknown): value is string {
  return typeof value === "string" && APPROVAL_ID.test(value);
}

export function isApprovalDecision(value: unknown): value is ApprovalDecision {
  return typeof value === "string" && (APPROVAL_DECISIONS as readonly string[]).includes(value);
}

/** @example encodeApprovalData("k2m3n4p5q6", "always") // "ap:k2m3n4p5q6:w" */
export function encodeApprovalData(approvalId: string, decision: ApprovalDecision): string {
  if (!isApprovalId(approvalId)) {
    throw new RangeError(`an approval id is 1 to 40 lowercase letters and digits, got ${approvalId}`);
  }
  return `ap:${approvalId}:${codes[decision]}`;
}

export function decodeApprovalData(data: unknown): DecodedApproval | undefined {
  if (typeof data !== "string" || data.length > MAX_APPROVAL_DATA_LENGTH) return undefined;
  const match = DATA.exec(data);
  const decision = match ? decisionsByCode[match[2] as string] : undefined;
  if (!match || !decision) return undefined;
  return { approvalId: match[1] as string, decision };
}
