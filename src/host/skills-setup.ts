/**
 * Skills in the running host: loads them (bundled from the repository's `skills/`, the owner's
 * and the installed ones from IRONCLAW_HOME, installed ones checked against their pins in the
 * database), logs one summary line, and reloads when an install or removal is announced on the
 * change feed (the CLI or the skill tools) or `reload()` is called. It also builds the skill
 * tools. The first load starts once the assistant is ready (`load()`, app.ts), or earlier when
 * something needs the skills (a turn, skill_list): start-up neither waits for it nor spends its
 * CPU on it (the loader, the YAML parser and the pattern engine are imported then too). A failed
 * load leaves the host running with the skills it had (none at first), logged.
 */
import { fileURLToPath } from "node:url";
import { createSkillListTool } from "../../tools/skills/skill-list.ts";
import type { Config } from "../config.ts";
import type { ChangeFeed } from "../db/change-feed.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { createRegistryTools } from "../skills/registry/host-tools.ts";
import { createSkillSelector, type SkillSelector } from "../skills/select.ts";
import { createTurnSkillSelection, type SelectTurnSkills } from "../skills/turn-skills.ts";
import type { LoadedSkills } from "../skills/types.ts";

/** The repository's bundled skills, found from this module's place in it. */
export const bundledSkillsDir = fileURLToPath(new URL("../../skills", import.meta.url));

export interface SkillsSetupOptions {
  config: Pick<Config, "home" | "values" | "httpAllowHosts">;
  db: Database;
  log: Logger;
  /** For `requires.env` and PATH; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  bundledDir?: string;
}

export type SkillsFeature = ReturnType<typeof createSkillsFeature>;

export function createSkillsFeature(options: SkillsSetupOptions) {
  const log = options.log.child({ component: "skills" });
  const limits = {
    maxActive: Number(options.config.values.SKILLS_MAX_ACTIVE ?? 3),
    maxContextTokens: Number(options.config.values.SKILLS_MAX_CONTEXT_TOKENS ?? 4000),
  };
  let loaded: LoadedSkills = { skills: [], skipped: [], warnings: [] };
  let selector: SkillSelector = createSkillSelector([], limits);
  let latest: Promise<void> = Promise.resolve();

  async function load(): Promise<void> {
    const [{ loadSkills }, { listInstalledSkillPins }] = await Promise.all([
      import("../skills/load.ts"),
      import("../db/installed-skills.ts"),
    ]);
    const configKeys = new Set(
      Object.entries(options.config.values).flatMap(([name, value]) => (value === undefined ? [] : [name])),
    );
    const next = await loadSkills({
      bundledDir: options.bundledDir ?? bundledSkillsDir,
      homeDir: options.config.home,
      installedPins: await listInstalledSkillPins(options.db),
      env: options.env ?? process.env,
      configKeys,
      log,
    });
    loaded = next;
    selector = createSkillSelector(next.skills, limits);
    log.info(summarize(next));
  }

  let begun = false;
  /** Loads again; concurrent reloads run one after another, and the last one wins. */
  function reload(): Promise<void> {
    begun = true;
    latest = latest.then(load).catch((error: unknown) => log.error("skills could not be loaded", { error }));
    return latest;
  }
  /** The skills as they will be once the first load (started now if it has not yet) is done. */
  const loadedOnce = (): Promise<void> => (begun ? latest : reload());

  const selectTurnSkills = createTurnSkillSelection(() => selector);
  const current = async (): Promise<LoadedSkills> => {
    await loadedOnce();
    return loaded;
  };
  return {
    reload,
    /** Starts the first load if nothing has yet (the assistant calls it once ready). */
    load: loadedOnce,
    /** Resolves when the load in progress (if any) is done; starts none. */
    ready: (): Promise<void> => latest,
    /** The skills as loaded now, after any load in progress. */
    loaded: current,
    selectSkills: (async (text) => {
      await loadedOnce();
      return selectTurnSkills(text);
    }) satisfies SelectTurnSkills,
    /** skill_list here; skill_search, skill_install, skill_remove from the registry half. */
    tools: [
      createSkillListTool({ loaded: current }),
      ...createRegistryTools({
        config: options.config,
        db: options.db,
        reload,
        bundledDir: options.bundledDir,
      }),
    ],
    /** Reload when an installed skill is added or removed, in this process or another. */
    attach(changes: ChangeFeed): void {
      changes.onChange("installed_skills", () => void reload());
    },
  };
}

/** "skills: 5 bundled, 1 trusted, 0 installed; 1 skipped (github-triage: gh not on PATH)" */
export function summarize(loaded: LoadedSkills): string {
  const count = (source: string) => loaded.skills.filter((skill) => skill.source === source).length;
  const base = `skills: ${count("bundled")} bundled, ${count("owner")} trusted, ${count("registry")} installed`;
  if (loaded.skipped.length === 0) return base;
  const reasons = loaded.skipped.map((entry) => `${entry.name ?? entry.path}: ${entry.reason}`).join("; ");
  return `${base}; ${loaded.skipped.length} skipped (${reasons})`;
}
