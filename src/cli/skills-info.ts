/**
 * `ironclaw skills info NAME`: everything about one skill as the host sees it — trust and
 * source, version, folder, activation (keywords, patterns, tags, budget), requirements and
 * credentials, why it was skipped (gating, a broken file, a changed pin, a name clash), unknown
 * front-matter keys, and its hash: for an installed skill the pinned SHA-256 with the registry,
 * slug and install time from the database; for a trusted one the SHA-256 of its SKILL.md.
 */
import type { Database } from "../db/client.ts";
import { getInstalledSkill } from "../db/installed-skills.ts";
import type { LoadedSkills, Skill } from "../skills/types.ts";
import type { SkillsIo } from "./skills.ts";

const listed = (values: readonly string[]) => (values.length > 0 ? values.join(", ") : "none");

function printLoaded(skill: Skill, io: SkillsIo): void {
  const { activation, requires } = skill;
  io.print(`${skill.name} ${skill.version} — ${skill.description}`);
  io.print(`Trust: ${skill.trust} (source: ${skill.source}); folder: ${skill.folder}`);
  io.print(
    `Activation: keywords ${listed(activation.keywords)}; exclude ${listed(activation.excludeKeywords)}; patterns ${listed(activation.patterns)}; tags ${listed(activation.tags)}${activation.maxContextTokens ? `; at most ${activation.maxContextTokens} tokens` : ""}`,
  );
  io.print(
    `Requires: bins ${listed(requires.bins)}; env ${listed(requires.env)}; config ${listed(requires.config)}; skills ${listed(requires.skills)}`,
  );
  io.print(
    `Credentials: ${skill.credentials.length > 0 ? skill.credentials.map((credential) => `${credential.name} for ${listed(credential.hosts)}${credential.location ? ` (${credential.location})` : ""}`).join("; ") : "none"}`,
  );
  if (skill.unknownKeys.length > 0)
    io.print(`Warning: unknown front-matter keys are ignored: ${skill.unknownKeys.join(", ")}`);
}

export async function printSkillInfo(
  name: string,
  loaded: LoadedSkills,
  db: Database,
  io: SkillsIo,
): Promise<number> {
  const skill = loaded.skills.find((candidate) => candidate.name === name);
  const skipped = loaded.skipped.filter((entry) => entry.name === name);
  const installed = await getInstalledSkill(db, name);
  if (!skill && skipped.length === 0 && !installed) {
    io.printError(`No skill named "${name}". See \`ironclaw skills list\`.`);
    return 1;
  }
  if (skill) {
    printLoaded(skill, io);
    io.print(`Status: loaded`);
  }
  for (const entry of skipped) io.print(`Skipped: ${entry.reason} (${entry.path})`);
  if (installed) {
    io.print(
      `Installed from ${installed.registryUrl} (slug ${installed.slug}, version ${installed.version}) on ${installed.installedAt.toISOString()}`,
    );
    io.print(`Pinned SHA-256 of SKILL.md: ${installed.sha256}`);
    io.print(`Archive SHA-256: ${installed.archiveSha256}; ${installed.files.length} file(s)`);
  } else if (skill) {
    io.print(`SHA-256 of SKILL.md: ${skill.sha256}`);
  }
  return 0;
}
