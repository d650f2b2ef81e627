/**
 * Reads the known front-matter keys of a SKILL.md into a `SkillManifest`, checking their types.
 * A wrong type throws a `ManifestProblem` carrying the key path, which the parser turns into a
 * file line. Unknown keys (top level and inside `activation` / `requires`) are collected, not
 * refused: SKILL.md files written for other assistants carry `metadata`, `allowed-tools`, …
 */
import type { SkillActivation, SkillCredential, SkillManifest, SkillRequirements } from "./types.ts";

type Path = (string | number)[];

/** Where a problem is: the key path inside the front matter, resolved to a file line by the parser. */
export class ManifestProblem extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const topKeys = new Set(["name", "version", "description", "activation", "requires", "credentials"]);
const activationKeys = new Set(["keywords", "exclude_keywords", "patterns", "tags", "max_context_tokens"]);
const requiresKeys = new Set(["bins", "env", "config", "skills"]);

export function readManifestFields(raw: Record<string, unknown>): SkillManifest {
  const unknownKeys: string[] = Object.keys(raw).filter((key) => !topKeys.has(key));
  const name = raw.name;
  if (name === undefined || name === null) throw new ManifestProblem([], "the front matter has no `name`");
  if (typeof name !== "string") throw new ManifestProblem(["name"], "`name` must be a string");
  const version = raw.version ?? "0.0.0";
  if (typeof version !== "string" && typeof version !== "number") {
    throw new ManifestProblem(["version"], "`version` must be a string");
  }
  const description = raw.description ?? "";
  if (typeof description !== "string") {
    throw new ManifestProblem(["description"], "`description` must be a string");
  }
  const activation = readSection(raw.activation, ["activation"], activationKeys, unknownKeys);
  const requires = readSection(raw.requires, ["requires"], requiresKeys, unknownKeys);
  return {
    name,
    version: String(version),
    description: description.trim(),
    activation: readActivation(activation),
    requires: readRequires(requires),
    credentials: readCredentials(raw.credentials),
    unknownKeys,
  };
}

function readSection(
  value: unknown,
  path: Path,
  known: ReadonlySet<string>,
  unknownKeys: string[],
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ManifestProblem(path, `\`${path.join(".")}\` must be a mapping`);
  }
  const section = value as Record<string, unknown>;
  for (const key of Object.keys(section)) if (!known.has(key)) unknownKeys.push(`${path.join(".")}.${key}`);
  return section;
}

function readActivation(section: Record<string, unknown>): SkillActivation {
  const maxTokens = section.max_context_tokens;
  if (
    maxTokens !== undefined &&
    maxTokens !== null &&
    (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens <= 0)
  ) {
    throw new ManifestProblem(
      ["activation", "max_context_tokens"],
      "`activation.max_context_tokens` must be a positive whole number",
    );
  }
  return {
    keywords: readStrings(section.keywords, ["activation", "keywords"]),
    excludeKeywords: readStrings(section.exclude_keywords, ["activation", "exclude_keywords"]),
    patterns: readStrings(section.patterns, ["activation", "patterns"]),
    tags: readStrings(section.tags, ["activation", "tags"]),
    ...(typeof maxTokens === "number" ? { maxContextTokens: maxTokens } : {}),
  };
}

function readRequires(section: Record<string, unknown>): SkillRequirements {
  return {
    bins: readStrings(section.bins, ["requires", "bins"]),
    env: readStrings(section.env, ["requires", "env"]),
    config: readStrings(section.config, ["requires", "config"]),
    skills: readStrings(section.skills, ["requires", "skills"]),
  };
}

function readCredentials(value: unknown): SkillCredential[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ManifestProblem(["credentials"], "`credentials` must be a list");
  return value.map((entry: unknown, index) => {
    const path: Path = ["credentials", index];
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new ManifestProblem(path, "each credential must be a mapping with `name` and `hosts`");
    }
    const { name, hosts, location } = entry as Record<string, unknown>;
    if (typeof name !== "string" || name === "") {
      throw new ManifestProblem(path, "a credential needs a `name` (string)");
    }
    if (location !== undefined && typeof location !== "string") {
      throw new ManifestProblem([...path, "location"], "`location` must be a string");
    }
    return {
      name,
      hosts: readStrings(hosts, [...path, "hosts"]),
      ...(typeof location === "string" ? { location } : {}),
    };
  });
}

/** A list of strings (a single string is accepted as a list of one). */
function readStrings(value: unknown, path: Path): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (!Array.isArray(value))
    throw new ManifestProblem(path, `\`${path.join(".")}\` must be a list of strings`);
  return value.map((item: unknown, index) => {
    if (typeof item === "number") return String(item);
    if (typeof item !== "string" || item === "") {
      throw new ManifestProblem([...path, index], `\`${path.join(".")}\` must be a list of strings`);
    }
    return item;
  });
}
