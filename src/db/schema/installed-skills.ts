import { integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { freeText } from "./columns.ts";

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
