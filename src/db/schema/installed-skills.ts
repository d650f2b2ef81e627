import { integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";
import { bytes } from "./wasm-tools.ts";

/** One file of an installed skill as it was extracted from the registry archive. */
export interface InstalledSkillFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Skills installed from a registry, one row per name. The row is the pin: the skill loader reads
 * an installed skill's folder only when the SHA-256 of its SKILL.md equals `sha256` here, so a
 * folder without a row (a half-finished install) or a file edited after the install is never
 * loaded. `archiveSha256` is the hash of the exact archive the owner reviewed; `files` lists
 * every file extracted from it (for `skills info` and for checking the folder on disk).
 */
export const installedSkills = pgTable(
  "installed_skills",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    slug: freeText("slug").notNull(),
    version: freeText("version").notNull(),
    sha256: text("sha256").notNull(),
    archiveSha256: text("archive_sha256").notNull(),
    archiveSize: integer("archive_size").notNull(),
    registryUrl: freeText("registry_url").notNull(),
    files: jsonb("files").$type<InstalledSkillFile[]>().notNull(),
    installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("installed_skills_name").on(table.name)],
);

/**
 * Registry archives a `skill_install` call is waiting on the owner for, keyed by the SHA-256 of
 * the call's canonical parameters (src/skills/registry/held-installs.ts). Kept here, not only in
 * memory, so an approval given after a restart installs exactly the archive the owner reviewed.
 */
export const heldSkillInstalls = pgTable("held_skill_installs", {
  callKey: text("call_key").primaryKey(),
  slug: freeText("slug").notNull(),
  version: freeText("version"),
  archive: bytes("archive").notNull(),
  archiveSha256: text("archive_sha256").notNull(),
  heldAt: timestamp("held_at", { withTimezone: true }).notNull().defaultNow(),
});
