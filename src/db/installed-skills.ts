/**
 * Installed skills' pins: one row per skill installed from a registry, holding the SHA-256 of
 * its SKILL.md. The skill loader loads an installed folder only when its SKILL.md still hashes to
 * the pin, so the row is what makes an install real: written last (after the folder is in place),
 * removed first. Names are unique: of two installs racing for one name, the second gets a
 * ConflictError. Every write announces `installed_skills` on the change feed, so a running
 * assistant reloads its skills when the CLI installs or removes one.
 */
import { asc, eq } from "drizzle-orm";
import { announceChange, announceCommitted } from "./change-feed.ts";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { type InstalledSkillFile, installedSkills } from "./schema/index.ts";
import { inTransaction } from "./transaction.ts";

export type InstalledSkillRow = typeof installedSkills.$inferSelect;

export interface NewInstalledSkill {
  name: string;
  slug: string;
  version: string;
  /** SHA-256 (hex) of the installed SKILL.md. */
  sha256: string;
  /** SHA-256 (hex) of the archive the owner reviewed. */
  archiveSha256: string;
  archiveSize: number;
  registryUrl: string;
  files: InstalledSkillFile[];
}

async function announced<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  const result = await inTransaction(db, async (tx) => {
    const value = await work(tx);
    await announceChange(tx, "installed_skills");
    return value;
  });
  announceCommitted("installed_skills");
  return result;
}

/** Name → SHA-256 of SKILL.md for every installed skill (what the loader trusts). */
export async function listInstalledSkillPins(db: Database): Promise<Map<string, string>> {
  const rows = await withDbErrors(() =>
    db.select({ name: installedSkills.name, sha256: installedSkills.sha256 }).from(installedSkills),
  );
  return new Map(rows.map((row) => [row.name, row.sha256]));
}

export function listInstalledSkills(db: Database): Promise<InstalledSkillRow[]> {
  return withDbErrors(() => db.select().from(installedSkills).orderBy(asc(installedSkills.name)));
}

export async function getInstalledSkill(db: Database, name: string): Promise<InstalledSkillRow | undefined> {
  const [row] = await withDbErrors(() =>
    db.select().from(installedSkills).where(eq(installedSkills.name, name)),
  );
  return row;
}

/** Records an install; a name already installed is a ConflictError (nothing is replaced). */
export function recordInstalledSkill(db: Database, values: NewInstalledSkill): Promise<InstalledSkillRow> {
  return announced(db, async (tx) => {
    const [row] = await tx.insert(installedSkills).values(values).returning();
    return row as InstalledSkillRow;
  });
}

/** Removes a skill's pin; true when it existed. */
export function removeInstalledSkill(db: Database, name: string): Promise<boolean> {
  return announced(db, async (tx) => {
    const deleted = await tx
      .delete(installedSkills)
      .where(eq(installedSkills.name, name))
      .returning({ id: installedSkills.id });
    return deleted.length > 0;
  });
}
