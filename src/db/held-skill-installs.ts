/**
 * Held registry archives (schema: held_skill_installs): written when a `skill_install` call is
 * put to the owner, taken (deleted and returned in one statement) when the approved call runs,
 * so a press replayed after a restart or by a second process finds nothing to install twice.
 * Rows older than the hold's age limit are never returned and are swept on every write.
 */
import { and, desc, eq, gt, lt, notInArray } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { heldSkillInstalls } from "./schema/index.ts";

export type HeldSkillInstallRow = typeof heldSkillInstalls.$inferSelect;

export interface NewHeldSkillInstall {
  callKey: string;
  slug: string;
  version?: string;
  archive: Uint8Array;
  archiveSha256: string;
  heldAt: Date;
}

/** Stores (or replaces) the archive held for `callKey`; keeps at most `maxEntries` of the newest. */
export async function holdSkillArchive(
  db: Database,
  held: NewHeldSkillInstall,
  limits: { maxEntries: number; oldest: Date },
): Promise<void> {
  await withDbErrors(async () => {
    const values = { ...held, version: held.version ?? null };
    await db
      .insert(heldSkillInstalls)
      .values(values)
      .onConflictDoUpdate({ target: heldSkillInstalls.callKey, set: values });
    const keep = db
      .select({ callKey: heldSkillInstalls.callKey })
      .from(heldSkillInstalls)
      .orderBy(desc(heldSkillInstalls.heldAt))
      .limit(limits.maxEntries);
    await db.delete(heldSkillInstalls).where(notInArray(heldSkillInstalls.callKey, keep));
    await db.delete(heldSkillInstalls).where(lt(heldSkillInstalls.heldAt, limits.oldest));
  });
}

/** The archive held for `callKey`, if it is newer than `oldest`. */
export async function findHeldSkillArchive(
  db: Database,
  callKey: string,
  oldest: Date,
): Promise<HeldSkillInstallRow | undefined> {
  return withDbErrors(async () => {
    const [row] = await db
      .select()
      .from(heldSkillInstalls)
      .where(and(eq(heldSkillInstalls.callKey, callKey), gt(heldSkillInstalls.heldAt, oldest)));
    return row;
  });
}

/** Removes and returns the archive held for `callKey` (one taker wins). */
export async function takeHeldSkillArchive(
  db: Database,
  callKey: string,
  oldest: Date,
): Promise<HeldSkillInstallRow | undefined> {
  return withDbErrors(async () => {
    const [row] = await db
      .delete(heldSkillInstalls)
      .where(eq(heldSkillInstalls.callKey, callKey))
      .returning();
    return row && row.heldAt > oldest ? row : undefined;
  });
}
