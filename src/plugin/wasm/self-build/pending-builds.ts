/**
 * Builds that passed their tests and wait for the owner, bound to the exact call: the key is the
 * SHA-256 of the call's parameters in canonical JSON (cleaned as the approval row stores them),
 * so the approved call finds exactly the artifact whose hash the owner read, and is never built
 * again into something else. A second proposal of the same call reuses the held build, so two
 * prompts for one call cannot show two hashes. Held in memory: after a restart the approved call
 * finds nothing and installs nothing (the model is told to build again).
 *
 * Also counts build attempts per turn, so a model that cannot get its code right stops after N.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../approvals/fingerprint.ts";
import { cleanJson } from "../../../db/clean-text.ts";
import type { InstallReview } from "../install.ts";
import type { TestOutcome } from "./run-tests.ts";

export interface HeldBuild {
  readonly review: InstallReview;
  readonly outcomes: readonly TestOutcome[];
  /** The owner's text (review-text.ts). */
  readonly summary: string;
}

const maxHeld = 32;
const maxTurns = 1_000;

export function callKey(params: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson(cleanJson(params)))
    .digest("hex");
}

export function createPendingBuilds() {
  const held = new Map<string, HeldBuild>();
  const attempts = new Map<string, number>();
  return {
    get(params: Record<string, unknown>): HeldBuild | undefined {
      return held.get(callKey(params));
    },
    hold(params: Record<string, unknown>, build: HeldBuild): void {
      held.set(callKey(params), build);
      // The oldest held builds go first (a denied or expired call's build is never claimed).
      while (held.size > maxHeld) held.delete(held.keys().next().value as string);
    },
    release(params: Record<string, unknown>): void {
      held.delete(callKey(params));
    },
    /** Counts one attempt in `turnId`; the number of this attempt. */
    countAttempt(turnId: string): number {
      const count = (attempts.get(turnId) ?? 0) + 1;
      attempts.delete(turnId);
      attempts.set(turnId, count);
      while (attempts.size > maxTurns) attempts.delete(attempts.keys().next().value as string);
      return count;
    },
  };
}

export type PendingBuilds = ReturnType<typeof createPendingBuilds>;
