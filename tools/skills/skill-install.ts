/**
 * `skill_install`: installs a skill from the registry, only after the owner approved it. The tier
 * is `always` (every call asks; "Always" is never offered), because a skill is a stranger's words
 * that will enter later turns. Before the owner is asked, the precheck downloads and checks the
 * archive (size, paths, links, exactly one SKILL.md that parses, no clash with a trusted or
 * installed skill) and holds it by call; a refusal goes back to the model and nobody is asked.
 * The prompt shows what the skill asks for (name, version, description, requires, credentials
 * and hosts, size, SHA-256 of SKILL.md and of the archive). The approved call installs exactly
 * the held archive, checked against the hash on the prompt, and never downloads again. The host
 * holds archives in the database, so an approval pressed after a restart still installs what the
 * owner reviewed; without a held archive (expired, or already installed by an earlier press) it
 * installs nothing. The host reloads its skills after.
 */
import { describeError } from "../../src/errors.ts";
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createHeldInstalls, type HeldInstalls } from "../../src/skills/registry/held-installs.ts";
import type { SkillInstaller } from "../../src/skills/registry/installer.ts";

export interface SkillInstallToolOptions {
  readonly installer: SkillInstaller;
  /** Archives awaiting the owner (the host's are in the database; default: memory only). */
  readonly held?: HeldInstalls;
}

export function createSkillInstallTool(options: SkillInstallToolOptions): Tool {
  const { installer } = options;
  const held = options.held ?? createHeldInstalls();
  return defineTool({
    name: "skill_install",
    description:
      "Install a skill from the registry by its slug (from skill_search). The owner is shown what it asks for and must approve. An installed skill only suggests: while it is active your tools are limited to reading.",
    risk: "write",
    approval: "always",
    offer: "on-search",
    timeoutMs: 60_000,
    parameters: {
      type: "object",
      properties: {
        slug: { type: "string", minLength: 1, maxLength: 128, description: "the registry slug" },
        version: { type: "string", maxLength: 64, description: "default: the latest" },
      },
      required: ["slug"],
      additionalProperties: false,
    },
    async approvalFor() {
      return "always";
    },
    async precheck(params, context) {
      try {
        if (await held.recall(params)) return null;
        await held.hold(params, await installer.prepare(params.slug, params.version, context.signal));
        return null;
      } catch (error) {
        if (context.signal.aborted) throw error;
        return `skill_install refused "${params.slug}"; nothing was installed: ${describeError(error)}`;
      }
    },
    summarize(params) {
      const prepared = held.find(params);
      if (!prepared) return `Install the skill "${params.slug}" from the registry (not downloaded yet)`;
      return [`Install this skill from the registry?`, ...installer.review(prepared, 8)].join("\n");
    },
    async execute(params) {
      try {
        const prepared = await held.take(params);
        if (!prepared)
          return {
            isError: true,
            content:
              "The archive the owner approved is no longer held (it expired, or this approval was already used); nothing was installed. Call skill_install again.",
          };
        const row = await installer.install(prepared, prepared.archiveSha256);
        return {
          content: JSON.stringify({
            installed: row.name,
            version: row.version,
            sha256: row.sha256,
            note: "Installed skills are suggestions: while one is active, tools are limited to reading.",
          }),
        };
      } catch (error) {
        return { isError: true, content: `Nothing was installed: ${describeError(error)}` };
      }
    },
  });
}
