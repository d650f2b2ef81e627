/**
 * Archives downloaded for a `skill_install` call and waiting for the owner, bound to the exact
 * call: the key is the SHA-256 of the call's parameters in canonical JSON (as the approval row
 * stores them), so the approved call installs exactly the archive whose hash the owner read and
 * never downloads again (a registry that swaps the archive after the review changes nothing).
 * A second proposal of the same call reuses the held archive, so two prompts for one call cannot
 * show two hashes. Held in memory, bounded and for a day at most: after a restart the approved
 * call reports that the archive is gone and the model asks again — nothing is installed unseen.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../approvals/fingerprint.ts";
import { cleanJson } from "../../db/clean-text.ts";
import type { PreparedSkill } from "./installer.ts";

export interface HeldInstallsOptions {
  readonly maxEntries?: number;
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export function installCallKey(params: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson(cleanJson(params)))
    .digest("hex");
}

export function createHeldInstalls(options: HeldInstallsOptions = {}) {
  const maxEntries = options.maxEntries ?? 8;
  const maxAgeMs = options.maxAgeMs ?? 24 * 60 * 60_000;
  const now = options.now ?? Date.now;
  const held = new Map<string, { prepared: PreparedSkill; heldAt: number }>();

  function find(params: Record<string, unknown>): PreparedSkill | undefined {
    const key = installCallKey(params);
    const entry = held.get(key);
    if (!entry) return undefined;
    if (now() - entry.heldAt > maxAgeMs) {
      held.delete(key);
      return undefined;
    }
    return entry.prepared;
  }

  return {
    find,
    hold(params: Record<string, unknown>, prepared: PreparedSkill): void {
      const key = installCallKey(params);
      held.delete(key);
      held.set(key, { prepared, heldAt: now() });
      while (held.size > maxEntries) held.delete(held.keys().next().value as string);
    },
    /** The held archive, released (an approved call installs once). */
    take(params: Record<string, unknown>): PreparedSkill | undefined {
      const prepared = find(params);
      held.delete(installCallKey(params));
      return prepared;
    },
  };
}

export type HeldInstalls = ReturnType<typeof createHeldInstalls>;
