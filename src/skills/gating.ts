/**
 * Gating: a skill whose instructions need something this machine lacks would only make the model
 * try and fail, so it is not loaded, and the reason is kept for `skills info`. Requirements are
 * checked without running anything: binaries by looking for an executable file on PATH, variables
 * by presence, config keys by the set of configured variables. Companion skills (`requires.skills`)
 * must themselves be loaded; dropping one can drop its dependants, so that check runs to a fixpoint.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { Skill, SkippedSkill } from "./types.ts";

export interface GatingOptions {
  env: Readonly<Record<string, string | undefined>>;
  configKeys?: ReadonlySet<string>;
}

export function gateSkills(
  skills: readonly Skill[],
  options: GatingOptions,
): { skills: Skill[]; skipped: SkippedSkill[] } {
  const skipped: SkippedSkill[] = [];
  const isOnPath = createPathLookup(options.env.PATH ?? "");
  let kept = skills.filter((skill) => {
    const reason = missingRequirement(skill, options, isOnPath);
    if (reason) skipped.push({ name: skill.name, path: skill.folder, reason });
    return !reason;
  });
  for (;;) {
    const names = new Set(kept.map((skill) => skill.name));
    const orphaned = kept.filter((skill) => skill.requires.skills.some((companion) => !names.has(companion)));
    if (orphaned.length === 0) return { skills: kept, skipped };
    for (const skill of orphaned) {
      const missing = skill.requires.skills.filter((companion) => !names.has(companion));
      skipped.push({
        name: skill.name,
        path: skill.folder,
        reason: `requires the skill${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, which ${missing.length > 1 ? "are" : "is"} not loaded`,
      });
    }
    kept = kept.filter((skill) => !orphaned.includes(skill));
  }
}

function missingRequirement(
  skill: Skill,
  options: GatingOptions,
  isOnPath: (bin: string) => boolean,
): string | undefined {
  const bins = skill.requires.bins.filter((bin) => !isOnPath(bin));
  if (bins.length > 0) return `${bins.join(", ")} not on PATH`;
  const env = skill.requires.env.filter((name) => !options.env[name]);
  if (env.length > 0) return `environment variable ${env.join(", ")} not set`;
  const isConfigured = (key: string) =>
    options.configKeys ? options.configKeys.has(key) : Boolean(options.env[key]);
  const config = skill.requires.config.filter((key) => !isConfigured(key));
  if (config.length > 0) return `config ${config.join(", ")} not set`;
  if (skill.requires.skills.includes(skill.name)) return "requires itself";
  return undefined;
}

/** `bin` is a bare name found as an executable regular file in one of PATH's folders. */
function createPathLookup(path: string): (bin: string) => boolean {
  const folders = path.split(delimiter).filter(Boolean);
  const cache = new Map<string, boolean>();
  return (bin) => {
    if (!/^[A-Za-z0-9._+-]+$/.test(bin)) return false;
    let found = cache.get(bin);
    if (found === undefined) {
      found = folders.some((folder) => isExecutableFile(join(folder, bin)));
      cache.set(bin, found);
    }
    return found;
  };
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
