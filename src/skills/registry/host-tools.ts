/**
 * The registry's tools for a running host: `skill_search`, `skill_install` and `skill_remove`,
 * on a registry client and installer built from config (CLAWHUB_REGISTRY, HTTP_ALLOW_HOSTS,
 * IRONCLAW_HOME), with `reload` (src/host/skills-setup.ts) run after every install and
 * removal so the next turn sees the change.
 */
import {
  createSkillInstallTool,
  createSkillRemoveTool,
  createSkillSearchTool,
} from "../../../tools/skills/index.ts";
import type { Config } from "../../config.ts";
import type { Database } from "../../db/client.ts";
import type { Tool } from "../../plugin/tool.ts";
import { createHeldInstalls } from "./held-installs.ts";
import { createSkillRegistry, type SkillRegistrySetup } from "./setup.ts";

export interface RegistryToolsOptions {
  readonly config: Pick<Config, "home" | "values" | "httpAllowHosts">;
  readonly db: Database;
  readonly reload: () => Promise<void>;
  readonly bundledDir?: string;
  /** The network edge, for tests. */
  readonly fetch?: SkillRegistrySetup["fetch"];
  readonly lookup?: SkillRegistrySetup["lookup"];
}

export function createRegistryTools(options: RegistryToolsOptions): Tool[] {
  const registryUrl = options.config.values.CLAWHUB_REGISTRY;
  const { client, installer } = createSkillRegistry({
    db: options.db,
    home: options.config.home,
    registryUrl: typeof registryUrl === "string" ? registryUrl : undefined,
    allowHosts: options.config.httpAllowHosts,
    bundledDir: options.bundledDir,
    afterChange: options.reload,
    fetch: options.fetch,
    lookup: options.lookup,
  });
  return [
    createSkillSearchTool(client),
    createSkillInstallTool({
      installer,
      held: createHeldInstalls({ db: options.db, reopen: (row) => installer.reopen(row) }),
    }),
    createSkillRemoveTool(installer),
  ];
}
