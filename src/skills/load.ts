/**
 * Loads every skill the host may use, from three folders: the repository's `skills/` (bundled,
 * trusted), `IRONCLAW_HOME/skills/` (placed by the owner, trusted) and
 * `IRONCLAW_HOME/installed_skills/` (from a registry, installed). An installed skill loads only
 * when its SKILL.md still has the SHA-256 pinned in the database at install time: a file edited
 * or dropped there by anything else is skipped, never loaded. Two skills with one name: the
 * owner's beats a bundled one, and both beat an installed one (trust wins); the loser is
 * reported. A skill with an activation pattern that patterns.ts refuses (not RE2, too long, too
 * complex) is skipped with the reason. Then gating: a skill whose required binary, variable,
 * config key or companion skill is missing is skipped with the reason (`skills info` and
 * `skill_list` show it).
 */

import { join } from "node:path";
import type { Logger } from "../log.ts";
import { discoverSkills } from "./discover.ts";
import { installedSkillsFolder, ownerSkillsFolder } from "./folders.ts";
import { gateSkills } from "./gating.ts";
import { compilePattern } from "./patterns.ts";
import type { LoadedSkills, Skill, SkillSource, SkillWarning, SkippedSkill } from "./types.ts";

export interface LoadSkillsOptions {
  /** The repository's `skills/` folder. */
  bundledDir: string;
  /** IRONCLAW_HOME: `skills/` and `installed_skills/` under it. */
  homeDir: string;
  /** Installed skill name → SHA-256 (hex) of its SKILL.md, from the database. */
  installedPins: ReadonlyMap<string, string>;
  /** For `requires.env` and PATH lookups of `requires.bins`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Config variables that are set; without it `requires.config` is checked against `env`. */
  configKeys?: ReadonlySet<string>;
  log: Logger;
}

export { installedSkillsFolder, ownerSkillsFolder } from "./folders.ts";

/** Lower wins when two skills share a name. */
const precedence: Record<SkillSource, number> = { owner: 0, bundled: 1, registry: 2 };

export async function loadSkills(options: LoadSkillsOptions): Promise<LoadedSkills> {
  const sources: [string, SkillSource][] = [
    [options.bundledDir, "bundled"],
    [join(options.homeDir, ownerSkillsFolder), "owner"],
    [join(options.homeDir, installedSkillsFolder), "registry"],
  ];
  const skipped: SkippedSkill[] = [];
  const candidates: Skill[] = [];
  for (const [folder, source] of sources) {
    const found = await discoverSkills(folder, source);
    skipped.push(...found.skipped);
    for (const skill of found.skills) {
      const refusal = source === "registry" ? checkPin(skill, options.installedPins) : checkPatterns(skill);
      if (refusal) skipped.push({ name: skill.name, path: skill.folder, reason: refusal });
      else candidates.push(skill);
    }
  }
  const unique = keepOnePerName(candidates, skipped);
  const gated = gateSkills(unique, options);
  skipped.push(...gated.skipped);
  const warnings: SkillWarning[] = gated.skills.flatMap((skill) =>
    skill.unknownKeys.length > 0
      ? [{ name: skill.name, message: `unknown front-matter keys ignored: ${skill.unknownKeys.join(", ")}` }]
      : [],
  );
  for (const entry of skipped) options.log.debug("skill skipped", { ...entry });
  return { skills: gated.skills, skipped, warnings };
}

function checkPin(skill: Skill, pins: ReadonlyMap<string, string>): string | undefined {
  const folderName = skill.folder.split(/[\\/]/).pop();
  if (folderName !== skill.name) {
    return `an installed skill must live in a folder named after it (found "${folderName}")`;
  }
  const pin = pins.get(skill.name);
  if (!pin) return "not recorded as installed (install skills with `ironclaw skills install`)";
  if (pin.toLowerCase() !== skill.sha256) {
    return "SKILL.md changed since it was installed (its SHA-256 does not match the pinned one)";
  }
  return checkPatterns(skill);
}

function checkPatterns(skill: Skill): string | undefined {
  for (const pattern of skill.activation.patterns) {
    const compiled = compilePattern(pattern);
    if (typeof compiled === "string") return compiled;
  }
  return undefined;
}

function keepOnePerName(candidates: Skill[], skipped: SkippedSkill[]): Skill[] {
  const byName = new Map<string, Skill>();
  const ordered = [...candidates].sort((a, b) => precedence[a.source] - precedence[b.source]);
  for (const skill of ordered) {
    const kept = byName.get(skill.name);
    if (!kept) {
      byName.set(skill.name, skill);
      continue;
    }
    skipped.push({
      name: skill.name,
      path: skill.folder,
      reason: `another skill named "${skill.name}" (${kept.source}, ${kept.trust}) takes precedence: ${kept.folder}`,
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
