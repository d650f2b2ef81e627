/**
 * Archives downloaded for a `skill_install` call and waiting for the owner, bound to the exact
 * call: the key is the SHA-256 of the call's parameters in canonical JSON (as the approval row
 * stores them), so the approved call installs exactly the archive whose hash the owner read and
 * never downloads again (a registry that swaps the archive after the review changes nothing).
 * A second proposal of the same call reuses the held archive, so two prompts for one call cannot
 * show two hashes.
 *
 * Approvals survive restarts, so held archives do too: with a database they are written to
 * `held_skill_installs` (src/db/held-skill-installs.ts) and an approval pressed after a restart
 * installs the stored bytes, read and checked again as on the first download. Taking deletes the
 * row in the same statement, so an approval replayed, or run by a second process, installs once.
 * Memory keeps a copy for the synchronous prompt text. Bounded, and for a day at most.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../approvals/fingerprint.ts";
import { cleanJson } from "../../db/clean-text.ts";
import type { Database } from "../../db/client.ts";
import {
  findHeldSkillArchive,
  type HeldSkillInstallRow,
  holdSkillArchive,
  takeHeldSkillArchive,
} from "../../db/held-skill-installs.ts";
import type { PreparedSkill } from "./installer.ts";

export interface HeldInstallsOptions {
  /** Where held archives outlive the process; without it they live in memory only. */
  readonly db?: Database;
  /** Turns stored bytes back into a checked archive (the installer's `reopen`). */
  readonly reopen?: (row: HeldSkillInstallRow) => PreparedSkill;
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
  const { db, reopen } = options;
  const stored = db && reopen ? { db, reopen } : undefined;
  const held = new Map<string, { prepared: PreparedSkill; heldAt: number }>();
  const oldest = () => new Date(now() - maxAgeMs);

  function remember(key: string, prepared: PreparedSkill, heldAt = now()): void {
    held.delete(key);
    held.set(key, { prepared, heldAt });
    while (held.size > maxEntries) held.delete(held.keys().next().value as string);
  }

  /** The archive held in this process for the call (no database read). */
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
    /** Like `find`, but also finds an archive held before a restart (and keeps it in memory). */
    async recall(params: Record<string, unknown>): Promise<PreparedSkill | undefined> {
      const found = find(params);
      if (found || !stored) return found;
      const key = installCallKey(params);
      const row = await findHeldSkillArchive(stored.db, key, oldest());
      if (!row) return undefined;
      const prepared = stored.reopen(row);
      remember(key, prepared, row.heldAt.getTime());
      return prepared;
    },
    async hold(params: Record<string, unknown>, prepared: PreparedSkill): Promise<void> {
      const key = installCallKey(params);
      if (stored) {
        await holdSkillArchive(
          stored.db,
          {
            callKey: key,
            slug: prepared.slug,
            version: prepared.version,
            archive: prepared.archive,
            archiveSha256: prepared.archiveSha256,
            heldAt: new Date(now()),
          },
          { maxEntries, oldest: oldest() },
        );
      }
      remember(key, prepared);
    },
    /** The held archive, released: an approved call installs once. */
    async take(params: Record<string, unknown>): Promise<PreparedSkill | undefined> {
      const key = installCallKey(params);
      const cached = find(params);
      held.delete(key);
      if (!stored) return cached;
      // The row decides: whoever deletes it installs; a replay or a second process finds none.
      const row = await takeHeldSkillArchive(stored.db, key, oldest());
      if (!row) return undefined;
      return cached?.archiveSha256 === row.archiveSha256 ? cached : stored.reopen(row);
    },
  };
}

export type HeldInstalls = ReturnType<typeof createHeldInstalls>;
