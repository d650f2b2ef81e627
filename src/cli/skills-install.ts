/**
 * `ironclaw skills install SLUG [--version V] [--yes]`: downloads and checks the archive, shows
 * the owner the review (name, version, source, SHA-256, what it requires, its credentials, the
 * first 20 lines of its instructions) and installs it only after a "y" on a terminal, or with
 * `--yes`. Without a terminal and without `--yes` nothing is installed: a script must say so.
 * What is installed is the archive that was shown (installer.install checks its hash).
 */
import type { SkillsIo, WithRegistry } from "./skills.ts";

const usage = "Usage: ironclaw skills install SLUG [--version V] [--yes]";

export async function runSkillsInstall(
  args: string[],
  io: SkillsIo,
  withRegistry: WithRegistry,
): Promise<number> {
  let yes = false;
  let version: string | undefined;
  let valid = true;
  const slugs: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] as string;
    if (argument === "--yes" || argument === "-y") yes = true;
    else if (argument === "--version") {
      version = args[++index];
      if (!version || version.startsWith("-")) valid = false;
    } else if (argument.startsWith("-")) valid = false;
    else slugs.push(argument);
  }
  if (!valid || slugs.length !== 1) {
    io.printError(usage);
    return 2;
  }
  const slug = slugs[0] as string;
  return withRegistry(async ({ registry }) => {
    const prepared = await registry.installer.prepare(slug, version);
    for (const line of registry.installer.review(prepared, 20)) io.print(line);
    if (!yes) {
      if (!io.isTerminal) {
        io.printError(
          "Not installed: no terminal to ask on. Read the above and run again with --yes to install.",
        );
        return 1;
      }
      const answer = (await io.ask("Install this skill? [y/N] ")).trim().toLowerCase();
      if (answer !== "y" && answer !== "yes") {
        io.print("Not installed.");
        return 1;
      }
    }
    const row = await registry.installer.install(prepared, prepared.archiveSha256);
    io.print(`Installed ${row.name} ${row.version} (SKILL.md SHA-256 ${row.sha256.slice(0, 12)}…).`);
    io.print(
      "It is an installed skill: while it is active, the assistant's tools drop to the read-only set. A running assistant on PostgreSQL loads it at once; with the embedded database, at its next start.",
    );
    return 0;
  });
}
