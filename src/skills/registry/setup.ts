/**
 * Wires the registry half of skills from config: the registry client on an HTTP port of its own
 * (the host's guarded HTTP — SSRF checks, pinned addresses, HTTP_ALLOW_HOSTS — with no credential
 * injection: a private registry must be listed in HTTP_ALLOW_HOSTS like any private host, so a
 * DNS answer for a public registry can never point it inside the network), and the installer, which refuses names of the trusted skills found in the
 * bundled folder and IRONCLAW_HOME/skills. The CLI and the host (the skill tools) both build
 * theirs here, so both install the same way.
 */
import { join } from "node:path";
import type { Database } from "../../db/client.ts";
import { createHttpPort, type HttpPortOptions } from "../../plugin/ports/http/http-port.ts";
import { discoverSkills } from "../discover.ts";
import { ownerSkillsFolder } from "../folders.ts";
import { createRegistryClient, type RegistryClient, type RegistryClientOptions } from "./client.ts";
import { createSkillInstaller, type SkillInstaller } from "./installer.ts";

export const defaultRegistryUrl = "https://clawhub.ai";
/** The repository's bundled skills. */
export const bundledSkillsDir = join(import.meta.dir, "..", "..", "..", "skills");

export interface SkillRegistrySetup {
  readonly db: Database;
  /** IRONCLAW_HOME. */
  readonly home: string;
  /** CLAWHUB_REGISTRY. */
  readonly registryUrl?: string;
  /** HTTP_ALLOW_HOSTS. */
  readonly allowHosts?: readonly string[];
  readonly bundledDir?: string;
  /** After an install or removal (the running host reloads its skills). */
  readonly afterChange?: () => Promise<void>;
  /** The network edge, for tests. */
  readonly fetch?: HttpPortOptions["fetch"];
  readonly lookup?: HttpPortOptions["lookup"];
  readonly client?: Partial<Omit<RegistryClientOptions, "baseUrl" | "http">>;
}

export interface SkillRegistry {
  readonly client: RegistryClient;
  readonly installer: SkillInstaller;
}

/** Names of the skills in the trusted folders, loaded or not (gating does not free a name). */
export async function trustedSkillNames(bundledDir: string, home: string): Promise<Set<string>> {
  const [bundled, owner] = await Promise.all([
    discoverSkills(bundledDir, "bundled"),
    discoverSkills(join(home, ownerSkillsFolder), "owner"),
  ]);
  return new Set([...bundled.skills, ...owner.skills].map((skill) => skill.name));
}

export function createSkillRegistry(setup: SkillRegistrySetup): SkillRegistry {
  const baseUrl = setup.registryUrl ?? defaultRegistryUrl;
  const http = createHttpPort({
    allowHosts: setup.allowHosts ?? [],
    fetch: setup.fetch,
    lookup: setup.lookup,
  });
  const client = createRegistryClient({ ...setup.client, baseUrl, http });
  const bundledDir = setup.bundledDir ?? bundledSkillsDir;
  const installer = createSkillInstaller({
    db: setup.db,
    home: setup.home,
    registry: client,
    trustedNames: () => trustedSkillNames(bundledDir, setup.home),
    afterChange: setup.afterChange,
  });
  return { client, installer };
}
