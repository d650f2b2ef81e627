/**
 * What the skill tests share: writing SKILL.md files into the three source folders, and pinning
 * an installed one in the database the way the registry installer does (src/db/installed-skills.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../src/db/client.ts";
import { recordInstalledSkill } from "../../src/db/installed-skills.ts";
import { sha256Hex } from "../../src/skills/discover.ts";

export function temporaryFolder(prefix = "ironclaw-skills-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A SKILL.md text from front-matter lines and a body. */
export function skillText(frontMatter: string, body = "Do the thing."): string {
  return `---\n${frontMatter.trim()}\n---\n${body}\n`;
}

/** Writes `<root>/<folder>/SKILL.md`; returns its path. */
export function writeSkill(root: string, folder: string, text: string): string {
  mkdirSync(join(root, folder), { recursive: true });
  const path = join(root, folder, "SKILL.md");
  writeFileSync(path, text);
  return path;
}

/** A skill the owner placed: `<home>/skills/<name>/SKILL.md`. */
export function writeOwnerSkill(home: string, name: string, frontMatter: string, body?: string): string {
  return writeSkill(join(home, "skills"), name, skillText(`name: ${name}\n${frontMatter}`, body));
}

/** An installed skill's folder: `<home>/installed_skills/<name>/SKILL.md` (not pinned yet). */
export function writeInstalledSkill(home: string, name: string, frontMatter: string, body?: string): string {
  return writeSkill(join(home, "installed_skills"), name, skillText(`name: ${name}\n${frontMatter}`, body));
}

/** Pins an installed skill's current SKILL.md in the database, as a finished install does. */
export async function pinInstalledSkill(db: Database, home: string, name: string): Promise<void> {
  const bytes = readFileSync(join(home, "installed_skills", name, "SKILL.md"));
  await recordInstalledSkill(db, {
    name,
    slug: name,
    version: "1.0.0",
    sha256: sha256Hex(bytes),
    archiveSha256: sha256Hex(bytes),
    archiveSize: bytes.length,
    registryUrl: "https://registry.invalid",
    files: [{ path: "SKILL.md", sha256: sha256Hex(bytes), size: bytes.length }],
  });
}
