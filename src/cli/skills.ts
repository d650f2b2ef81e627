/**
 * `ironclaw skills search QUERY | install SLUG [--version V] [--yes] | remove NAME | list | info
 * NAME`: the owner's skills. `search` asks the registry only (no database); `install` shows the
 * review and asks before anything is written (skills-install.ts); `list` and `info` load skills
 * exactly as the running host does (bundled, IRONCLAW_HOME/skills, installed ones checked against
 * their pins), so what they show is what the assistant uses. Installs and removals are announced
 * on the change feed: a running assistant on PostgreSQL reloads its skills at once; with the
 * embedded database the assistant is stopped while the CLI runs, and loads them at its next start.
 */
import { loadFullConfig } from "../app.ts";
import { loadConfig } from "../config.ts";
import type { Database } from "../db/client.ts";
import { listInstalledSkillPins } from "../db/installed-skills.ts";
import { AppError } from "../errors.ts";
import { createLogger, silentLogger } from "../log.ts";
import { createHttpPort } from "../plugin/ports/http/http-port.ts";
import { loadSkills } from "../skills/load.ts";
import { createRegistryClient } from "../skills/registry/client.ts";
import { bundledSkillsDir, createSkillRegistry, type SkillRegistry } from "../skills/registry/setup.ts";
import type { LoadedSkills } from "../skills/types.ts";
import { printSkillInfo } from "./skills-info.ts";
import { runSkillsInstall } from "./skills-install.ts";

export interface SkillsIo {
  print(line: string): void;
  printError(line: string): void;
  readonly isTerminal: boolean;
  ask(question: string): Promise<string>;
  /** The repository's skills folder (tests point it elsewhere). */
  readonly bundledDir?: string;
}

export const skillsUsage =
  "Usage: ironclaw skills search QUERY | install SLUG [--version V] [--yes] | remove NAME | list | info NAME";

type Environment = Record<string, string | undefined>;

function registryUrlOf(values: Readonly<Record<string, unknown>>): string | undefined {
  const url = values.CLAWHUB_REGISTRY;
  return typeof url === "string" ? url : undefined;
}

async function search(words: string[], env: Environment, io: SkillsIo): Promise<number> {
  if (words.length === 0) {
    io.printError(skillsUsage);
    return 2;
  }
  const config = loadConfig({ env });
  const client = createRegistryClient({
    baseUrl: registryUrlOf(config.values) ?? "https://clawhub.ai",
    http: createHttpPort({ allowHosts: config.httpAllowHosts }),
  });
  const results = await client.search(words.join(" "), 10);
  if (results.length === 0) io.print(`No skills on ${client.baseUrl} match "${words.join(" ")}".`);
  for (const result of results) {
    io.print(
      `${result.slug}  ${result.version ?? "-"}  ${result.name}${result.summary ? ` — ${result.summary}` : ""}`,
    );
  }
  if (results.length > 0) io.print("Install one with `ironclaw skills install SLUG` (you review it first).");
  return 0;
}

function printList(loaded: LoadedSkills, io: SkillsIo): void {
  if (loaded.skills.length === 0) io.print("No skills loaded.");
  for (const skill of loaded.skills) {
    io.print(`${skill.name}  ${skill.version}  ${skill.trust} (${skill.source})  ${skill.description}`);
  }
  for (const entry of loaded.skipped) io.print(`skipped ${entry.name ?? entry.path}: ${entry.reason}`);
  for (const warning of loaded.warnings) io.print(`warning ${warning.name}: ${warning.message}`);
}

async function withRegistry(
  env: Environment,
  io: SkillsIo,
  work: (context: {
    registry: SkillRegistry;
    load: () => Promise<LoadedSkills>;
    db: Database;
  }) => Promise<number>,
): Promise<number> {
  const { config, database } = await loadFullConfig(env, createLogger({ level: "error" }));
  try {
    const registry = createSkillRegistry({
      db: database.db,
      home: config.home,
      registryUrl: registryUrlOf(config.values),
      allowHosts: config.httpAllowHosts,
      bundledDir: io.bundledDir,
    });
    const configKeys = new Set(
      Object.entries(config.values).flatMap(([name, value]) => (value === undefined ? [] : [name])),
    );
    const load = async () =>
      loadSkills({
        bundledDir: io.bundledDir ?? bundledSkillsDir,
        homeDir: config.home,
        installedPins: await listInstalledSkillPins(database.db),
        env,
        configKeys,
        log: silentLogger,
      });
    return await work({ registry, load, db: database.db });
  } finally {
    await database.close();
  }
}

/** Context for a command that needs the database: the registry, the loader, the database. */
export type WithRegistry = (
  work: (context: {
    registry: SkillRegistry;
    load: () => Promise<LoadedSkills>;
    db: Database;
  }) => Promise<number>,
) => Promise<number>;

export async function runSkillsCommand(args: string[], env: Environment, io: SkillsIo): Promise<number> {
  const [subcommand = "list", ...rest] = args;
  const names = rest.filter((argument) => !argument.startsWith("-"));
  try {
    switch (subcommand) {
      case "search":
        return await search(names, env, io);
      case "install":
        return await runSkillsInstall(rest, io, (work) => withRegistry(env, io, work));
      case "list":
        return await withRegistry(env, io, async ({ load }) => {
          printList(await load(), io);
          return 0;
        });
      case "info":
      case "remove": {
        const name = names[0];
        if (!name || names.length > 1) {
          io.printError(skillsUsage);
          return 2;
        }
        return await withRegistry(env, io, async ({ registry, load, db }) => {
          if (subcommand === "info") return printSkillInfo(name, await load(), db, io);
          const removed = await registry.installer.remove(name);
          io.print(
            `Removed the installed skill "${removed.name}"${removed.hadPin ? "" : " (its folder only: it was not recorded as installed)"}.`,
          );
          io.print(
            "A running assistant on PostgreSQL drops it at once; with the embedded database, at its next start.",
          );
          return 0;
        });
      }
      default:
        io.printError(skillsUsage);
        return 2;
    }
  } catch (error) {
    if (
      error instanceof AppError &&
      ["invalid_input", "not_found", "conflict", "registry_unavailable"].includes(error.code)
    ) {
      io.printError(error.message);
      return 1;
    }
    throw error;
  }
}
