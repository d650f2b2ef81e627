/**
 * Pairing: how a channel without a configured owner id learns who the owner is. An unknown sender
 * in a direct chat gets a one-time 8-character code (valid 1 h; at most 3 pending per channel, and
 * one per sender); the owner confirms it on the machine with `ironclaw pairing approve <channel>
 * <code>`, and from then on that sender is the owner there. Codes are compared case-insensitively.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../db/client.ts";
import {
  insertPairingCode,
  listPendingPairingCodes,
  type PairingCodeRow,
  usePairingCode,
} from "../db/pairing-codes.ts";

export const pairingValidityMs = 60 * 60_000;
export const maxPendingCodes = 3;
const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I

function newCode(): string {
  return [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

export interface PairingRequest {
  channel: string;
  externalUserId: string;
  displayName?: string;
  chatId: string;
}

/** The sender's pending code (reused if it still holds), or undefined when too many are pending. */
export async function requestPairingCode(
  db: Database,
  request: PairingRequest,
  now = new Date(),
): Promise<string | undefined> {
  const pending = await listPendingPairingCodes(db, now, request.channel);
  const own = pending.find((row) => row.externalUserId === request.externalUserId);
  if (own) return own.code;
  if (pending.length >= maxPendingCodes) return undefined;
  const code = newCode();
  await insertPairingCode(db, { ...request, code, expiresAt: new Date(now.getTime() + pairingValidityMs) });
  return code;
}

export type ApprovePairingResult =
  | { ok: true; channel: string; externalUserId: string; displayName: string | null; chatId: string }
  | { ok: false; message: string };

export async function approvePairingCode(
  db: Database,
  channel: string,
  code: string,
  now = new Date(),
): Promise<ApprovePairingResult> {
  const normalized = code.trim().toUpperCase();
  const row = await usePairingCode(db, channel, normalized, now);
  if (!row) {
    return {
      ok: false,
      message: `No pending pairing code ${normalized} for ${channel} (unknown, used or expired).`,
    };
  }
  return {
    ok: true,
    channel,
    externalUserId: row.externalUserId,
    displayName: row.displayName,
    chatId: row.chatId,
  };
}

export async function listPendingPairings(db: Database, now = new Date()): Promise<PairingCodeRow[]> {
  return listPendingPairingCodes(db, now);
}

export function pairingInstructions(channel: string, code: string): string {
  return `Hi! I only talk to my owner. If that is you, run this on the machine where IronClaw runs:\n\nironclaw pairing approve ${channel} ${code}\n\nThe code is valid for one hour.`;
}
