/**
 * What the owner reads before an installed skill is used for the first time: the same facts on
 * the terminal (`ironclaw skills install`) and on the approval prompt (`skill_install`): name,
 * version, where it comes from, what it requires, which credentials and hosts it expects, its
 * size and SHA-256, and the start of its instructions. All of it is the skill author's text, so
 * it is shown as quoted data, shortened, and never as something the host vouches for.
 */
import type { ParsedSkill } from "../parse.ts";

export interface SkillReviewFacts {
  readonly skill: ParsedSkill;
  readonly slug: string;
  readonly version: string;
  readonly registryUrl: string;
  readonly skillSha256: string;
  readonly archiveSha256: string;
  readonly archiveSize: number;
  readonly fileCount: number;
  readonly totalBytes: number;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function listOrNone(values: readonly string[]): string {
  return values.length > 0 ? values.join(", ") : "none";
}

function quoted(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const plain = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/** The review, one line per fact; `bodyLines` of the instructions at the end. */
export function formatSkillReview(facts: SkillReviewFacts, bodyLines = 20): string[] {
  const { skill } = facts;
  const requires = skill.requires;
  const lines = [
    `Skill: ${skill.name} ${facts.version}${skill.version !== facts.version ? ` (SKILL.md says ${quoted(skill.version, 40)})` : ""}`,
    `Source: ${facts.registryUrl} (slug ${facts.slug}); trust: installed — while it is active, the turn's tools drop to the read-only set`,
    `Description: ${quoted(skill.description, 300)}`,
    `Requires: bins ${listOrNone(requires.bins)}; env ${listOrNone(requires.env)}; config ${listOrNone(requires.config)}; skills ${listOrNone(requires.skills)}`,
    skill.credentials.length > 0
      ? `Credentials: ${skill.credentials.map((credential) => `${credential.name} for ${listOrNone(credential.hosts)}${credential.location ? ` (${credential.location})` : ""}`).join("; ")}`
      : "Credentials: none",
    `Size: ${facts.fileCount} file${facts.fileCount === 1 ? "" : "s"}, ${formatSize(facts.totalBytes)} (archive ${formatSize(facts.archiveSize)})`,
    `SHA-256 of SKILL.md: ${facts.skillSha256}`,
    `SHA-256 of the archive: ${facts.archiveSha256}`,
  ];
  if (skill.unknownKeys.length > 0) lines.push(`Ignored front-matter keys: ${skill.unknownKeys.join(", ")}`);
  if (bodyLines > 0) {
    const body = skill.body.split("\n");
    lines.push(`Instructions (first ${Math.min(bodyLines, body.length)} of ${body.length} lines):`);
    for (const line of body.slice(0, bodyLines)) lines.push(`  | ${quoted(line, 200)}`);
  }
  return lines;
}
