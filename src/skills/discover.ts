/**
 * Finds and parses the SKILL.md files of one source folder (`<root>/<name>/SKILL.md`). A link is
 * never followed — neither a skill folder nor a SKILL.md that is a symlink — so a skill cannot
 * borrow another file's content (or trust) by pointing at it. The size is checked before the file
 * is read. A file that does not parse is reported, with the parser's line, and left out.
 */
import { createHash } from "node:crypto";
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../errors.ts";
import { maxSkillFileBytes, type ParsedSkill, parseSkillFile } from "./parse.ts";
import { type Skill, type SkillSource, type SkippedSkill, trustOf } from "./types.ts";

export const skillFileName = "SKILL.md";

export interface DiscoveredSkills {
  skills: Skill[];
  skipped: SkippedSkill[];
}

export async function discoverSkills(root: string, source: SkillSource): Promise<DiscoveredSkills> {
  const found: DiscoveredSkills = { skills: [], skipped: [] };
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return found;
    found.skipped.push({ path: root, reason: `the folder cannot be read: ${(error as Error).message}` });
    return found;
  }
  const folders = entries.filter((entry) => !entry.name.startsWith("."));
  for (const entry of folders.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const folder = join(root, entry.name);
    if (entry.isSymbolicLink()) {
      found.skipped.push({
        path: folder,
        reason: "the skill folder is a symbolic link (links are not followed)",
      });
      continue;
    }
    if (!entry.isDirectory()) continue;
    const outcome = await readSkill(folder, source);
    if ("reason" in outcome) found.skipped.push(outcome);
    else found.skills.push(outcome);
  }
  return found;
}

async function readSkill(folder: string, source: SkillSource): Promise<Skill | SkippedSkill> {
  const path = join(folder, skillFileName);
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(path);
  } catch {
    return { path, reason: `no ${skillFileName} in the folder` };
  }
  if (stats.isSymbolicLink())
    return { path, reason: `${skillFileName} is a symbolic link (links are not followed)` };
  if (!stats.isFile()) return { path, reason: `${skillFileName} is not a regular file` };
  if (stats.size > maxSkillFileBytes) {
    return { path, reason: `${skillFileName} is ${stats.size} bytes; the limit is ${maxSkillFileBytes}` };
  }
  let bytes: Buffer;
  let parsed: ParsedSkill;
  try {
    bytes = await readFile(path);
    parsed = parseSkillFile(bytes.toString("utf8"), path);
  } catch (error) {
    const reason = error instanceof AppError ? error.message : `cannot be read: ${(error as Error).message}`;
    return { path, reason };
  }
  return {
    ...parsed,
    trust: trustOf(source),
    source,
    folder,
    sha256: sha256Hex(bytes),
  };
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
