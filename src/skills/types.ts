/**
 * The skill contract. A skill is a SKILL.md file: YAML front matter (what it is, when it applies,
 * what it needs) and a Markdown body of instructions that enter the model's context while the
 * skill is active. Skills carry no code; their only power is words, so the host's defence is
 * about what those words may make the model do: trust is decided by WHERE a skill lives, never by
 * its content, and an installed (registry) skill that is active drops the turn's tools to a
 * read-only set (src/skills/attenuation.ts).
 *
 * Example (skills/daily-briefing/SKILL.md):
 *   ---
 *   name: daily-briefing
 *   version: 1.0.0
 *   description: Morning summary of notes, routines and open threads
 *   activation:
 *     keywords: [briefing, morning, agenda]
 *   ---
 *   When the owner asks for a briefing, search memory for …
 */

/** `trusted`: shipped with the host or placed by the owner. `installed`: from a registry. */
export type SkillTrust = "trusted" | "installed";

/** Where a skill was found: `bundled` (repo `skills/`), `owner` (IRONCLAW_HOME/skills), `registry`. */
export type SkillSource = "bundled" | "owner" | "registry";

/** The trust a source confers: the only place trust is decided. */
export function trustOf(source: SkillSource): SkillTrust {
  return source === "registry" ? "installed" : "trusted";
}

export interface SkillActivation {
  /** Words of the owner's message that select the skill (word match 10, substring 5). */
  keywords: string[];
  /** Any of these in the message vetoes the skill for that turn. */
  excludeKeywords: string[];
  /** Regular expressions (case-insensitive) tested against the message (20 each). */
  patterns: string[];
  /** Softer topic words (3 each). */
  tags: string[];
  /** The most of the body (estimated tokens) this skill may put in one turn; default: the turn budget. */
  maxContextTokens?: number;
}

export interface SkillRequirements {
  /** Executables that must be on PATH. */
  bins: string[];
  /** Environment variables that must be set (non-empty). */
  env: string[];
  /** Config variables (src/config-variables.ts names) that must be set. */
  config: string[];
  /** Companion skills loaded with this one (they must be loaded too). */
  skills: string[];
}

/** A credential the skill's instructions expect the host to inject (shown to the owner, never read). */
export interface SkillCredential {
  name: string;
  hosts: string[];
  /** Where the host puts it, e.g. `header:Authorization` (free text, informative). */
  location?: string;
}

/** The parsed front matter. */
export interface SkillManifest {
  name: string;
  version: string;
  description: string;
  activation: SkillActivation;
  requires: SkillRequirements;
  credentials: SkillCredential[];
  /** Front-matter keys this host does not know (OpenClaw/Claude `metadata`, `allowed-tools`, …): kept, ignored. */
  unknownKeys: string[];
}

/** A loaded skill. */
export interface Skill extends SkillManifest {
  /** The Markdown instructions after the front matter. */
  body: string;
  trust: SkillTrust;
  source: SkillSource;
  /** The folder holding SKILL.md. */
  folder: string;
  /** SHA-256 (hex) of the SKILL.md bytes: what an installed skill is pinned by. */
  sha256: string;
}

/** A skill that was found but not loaded, and why (shown by `skills info` and `skill_list`). */
export interface SkippedSkill {
  name?: string;
  path: string;
  reason: string;
}

export interface SkillWarning {
  name: string;
  message: string;
}

export interface LoadedSkills {
  skills: Skill[];
  skipped: SkippedSkill[];
  warnings: SkillWarning[];
}
