/** How an approval looks to the owner, in chat and over the API. */
import type { ApprovalRow } from "../db/approvals.ts";
import type { ApprovalPrompt } from "../plugin/channel.ts";

export function promptOf(row: ApprovalRow): ApprovalPrompt {
  return {
    approvalId: row.id,
    tool: row.tool,
    summary: row.summary,
    allowAlways: row.allowAlways === "yes",
    expiresAt: row.expiresAt,
  };
}

/** The text fallback for channels without buttons. */
export function fallbackPromptText(prompt: ApprovalPrompt): string {
  const minutes = Math.max(1, Math.round((prompt.expiresAt.getTime() - Date.now()) / 60_000));
  const choices = prompt.allowAlways
    ? `/approve ${prompt.approvalId}, /always ${prompt.approvalId} or /deny ${prompt.approvalId}`
    : `/approve ${prompt.approvalId} or /deny ${prompt.approvalId}`;
  return `Approval needed: ${prompt.tool}\n${prompt.summary}\nReply ${choices} (expires in ${minutes} min).`;
}

export interface ApprovalView {
  id: string;
  tool: string;
  summary: string;
  status: ApprovalRow["status"];
  turnId: string;
  conversationId: string;
  channel: string;
  chatId: string;
  createdAt: string;
  expiresAt: string;
  decision: ApprovalRow["decision"];
  decidedBy: string | null;
  decidedVia: string | null;
  decidedAt: string | null;
}

export function viewOf(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    tool: row.tool,
    summary: row.summary,
    status: row.status,
    turnId: row.turnId,
    conversationId: row.conversationId,
    channel: row.channel,
    chatId: row.chatId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decision: row.decision,
    decidedBy: row.decidedBy,
    decidedVia: row.decidedVia,
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

export const outcomeWords = {
  approved: "Approved",
  always: "Always allowed",
  denied: "Denied",
  expired: "Expired",
} as const;
