/**
 * The binding between a paused call and its approval row: which rows a pause creates (id,
 * summary, HMAC fingerprint over the parameters *as stored*, whether "Always" is offered) and the
 * check, before anything runs, that the stored call still is the one the owner saw. The database
 * stores text cleaned (no NUL, no lone surrogate), so both sides fingerprint the cleaned form.
 */
import { randomBytes } from "node:crypto";
import type { LoopState, PendingCall } from "../agent/loop.ts";
import type { ToolRunner } from "../agent/tool-runner.ts";
import type { ApprovalRow } from "../db/approvals.ts";
import { cleanJson } from "../db/clean-text.ts";
import type { Conversation } from "../db/conversations.ts";
import type { approvals } from "../db/schema/index.ts";
import { fingerprintCall, fingerprintsMatch } from "./fingerprint.ts";
import { approvalTierOf } from "./policy.ts";
import { summarizeCall } from "./summary.ts";

export type NewApprovalRow = typeof approvals.$inferInsert;

export function newApprovalId(): string {
  // 10 lowercase base32 characters: short enough to type after /approve, 50 bits of randomness.
  const alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
  return [...randomBytes(10)].map((byte) => alphabet[byte % 32]).join("");
}

/** Rows for the calls of `state` that wait for the owner; gives each pending call its approval id. */
export async function buildApprovalRows(input: {
  key: string;
  runner: ToolRunner;
  turnId: string;
  conversation: Conversation;
  state: LoopState;
  expiresAt: Date;
}): Promise<NewApprovalRow[]> {
  const { key, runner, turnId, conversation, state, expiresAt } = input;
  const rows: NewApprovalRow[] = [];
  for (const pending of state.pending ?? []) {
    if (pending.result || pending.approvalId) continue;
    const prepared = runner.prepare(pending.call);
    const params = cleanJson(prepared.params ?? {}) as Record<string, unknown>;
    pending.approvalId = newApprovalId();
    rows.push({
      id: pending.approvalId,
      turnId,
      conversationId: conversation.id,
      callId: pending.call.id,
      tool: pending.call.name,
      params,
      summary: await summarizeCall(prepared.tool, params),
      fingerprint: fingerprintCall(key, pending.call.name, params),
      // The call's own tier: a routine change that needs approval never offers "Always".
      allowAlways: prepared.tool && (await approvalTierOf(prepared.tool, params)) === "always" ? "no" : "yes",
      expiresAt,
      channel: conversation.channel,
      chatId: conversation.chatId,
    });
  }
  return rows;
}

/** Whether the call stored in the turn is exactly the one the approval row was made for. */
export function storedCallMatches(key: string, row: ApprovalRow, state: LoopState | undefined): boolean {
  const entry: PendingCall | undefined = state?.pending?.find((pending) => pending.approvalId === row.id);
  if (!entry || entry.call.name !== row.tool) return false;
  let params: unknown;
  try {
    params = entry.call.arguments.trim() ? JSON.parse(entry.call.arguments) : {};
  } catch {
    return false;
  }
  const expected = fingerprintCall(key, entry.call.name, cleanJson(params));
  return (
    fingerprintsMatch(expected, row.fingerprint) &&
    fingerprintsMatch(fingerprintCall(key, row.tool, row.params), row.fingerprint)
  );
}
