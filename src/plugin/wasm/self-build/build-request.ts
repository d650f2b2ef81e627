/**
 * What the model asks `tool_build` for, turned into the manifest the owner will approve. The
 * model names capabilities; the host decides everything else: risk and approval tier follow from
 * the network access asked for (none → `read`/`never`; any host → the manifest parser's default
 * `external`/`unless-auto-approved`, so each network call asks unless the owner chose Always).
 * Nothing the model did not ask for is granted, and the manifest built here is the one enforced.
 *
 * Policy before any build: a bare `*` host (or one inside a wildcard like `*.com`) is refused
 * outright; `*.example.com` is allowed but shown plainly, unless the owner turned wildcards off
 * (TOOL_BUILD_ALLOW_WILDCARD_HOSTS=false). Names of the host's own tools are refused here too.
 */
import { AppError } from "../../../errors.ts";
import type { SourceLanguage } from "../build/check-source.ts";
import { toolNamePattern } from "../manifest.ts";

/** One test case: the tool's params and what its output must be. */
export interface ToolBuildTest {
  readonly params: Record<string, unknown>;
  /** An exact JSON value, or `{ contains: "…" }`, or `{ matches: "regex" }`. */
  readonly expect: unknown;
}

export interface ToolBuildRequest {
  readonly name: string;
  readonly description: string;
  readonly language: SourceLanguage;
  readonly source: string;
  /** The author-format (snake_case) manifest, as stored with the version. */
  readonly manifest: Record<string, unknown>;
  readonly tests: readonly ToolBuildTest[];
}

export interface RequestPolicy {
  /** Whether `*.example.com` hosts may be asked for (shown plainly either way). */
  readonly allowWildcardHosts: boolean;
  /** Largest source accepted, in characters. */
  readonly maxSourceChars: number;
  readonly reservedNames: ReadonlySet<string>;
}

const maxTests = 20;

function refuse(message: string): never {
  throw new AppError("invalid_input", message);
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value))
    refuse(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function asArray(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(`${field} must be a list`);
  return value;
}

/** Refuses `*` and over-broad wildcards; a `*.x.y` wildcard passes unless the policy says no. */
export function checkHostPattern(host: unknown, field: string, policy: RequestPolicy): void {
  if (typeof host !== "string") return; // the manifest parser names the field
  const trimmed = host.trim();
  if (trimmed === "*" || trimmed === "" || /^\*\.?[^.]*$/.test(trimmed)) {
    refuse(`${field}: "${host}" would reach every host; name the hosts the tool needs`);
  }
  if (trimmed.includes("*")) {
    if (!/^\*\.[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(trimmed))
      refuse(`${field}: "${host}" is not allowed: use an exact host or "*.example.com"`);
    if (!policy.allowWildcardHosts)
      refuse(
        `${field}: "${host}" is a wildcard and the owner does not allow wildcard hosts for built tools (TOOL_BUILD_ALLOW_WILDCARD_HOSTS); name each host`,
      );
  }
}

/** Checks the model's arguments and builds the manifest; throws AppError with a message for it. */
export function readBuildRequest(params: Record<string, unknown>, policy: RequestPolicy): ToolBuildRequest {
  const name = String(params.name ?? "");
  if (!toolNamePattern.test(name))
    refuse(`name "${name}" is not allowed: start with a-z, then a-z, 0-9, _ or -, up to 64 characters`);
  if (policy.reservedNames.has(name))
    refuse(`"${name}" is the name of one of IronClaw's own tools: choose another name`);
  const description = String(params.description ?? "").trim();
  if (description === "") refuse("description is empty: say what the tool does and when to use it");
  const language = params.language ?? "ts";
  if (language !== "js" && language !== "ts") refuse(`language must be "js" or "ts"`);
  const source = String(params.source ?? "");
  if (source.trim() === "") refuse("source is empty: a tool exports description, schema and execute");
  if (source.length > policy.maxSourceChars)
    refuse(`source is ${source.length} characters; the limit is ${policy.maxSourceChars}`);

  const capabilities = asObject(params.capabilities, "capabilities");
  const http = asArray(capabilities.http, "capabilities.http");
  http.forEach((rule, index) => {
    checkHostPattern(
      asObject(rule, `capabilities.http[${index}]`).host,
      `capabilities.http[${index}].host`,
      policy,
    );
  });
  const credentials = asArray(capabilities.credentials, "capabilities.credentials");
  credentials.forEach((grant, index) => {
    const hosts = asArray(asObject(grant, `capabilities.credentials[${index}]`).hosts, "hosts");
    hosts.forEach((host, inner) => {
      checkHostPattern(host, `capabilities.credentials[${index}].hosts[${inner}]`, policy);
    });
  });
  const secrets = asArray(capabilities.secrets, "capabilities.secrets");
  const manifest: Record<string, unknown> = {
    kind: "tool",
    name,
    description,
    ...(http.length === 0 ? { risk: "read", approval: "never" } : {}),
    ...(http.length > 0 ? { http: { allowlist: http } } : {}),
    ...(credentials.length > 0 ? { credentials } : {}),
    ...(secrets.length > 0 ? { secrets: { allowed_names: secrets } } : {}),
    ...(capabilities.limits !== undefined ? { limits: capabilities.limits } : {}),
  };

  const tests = asArray(params.tests, "tests");
  if (tests.length === 0) refuse("tests is empty: give at least one test case ({ params, expect })");
  if (tests.length > maxTests) refuse(`${tests.length} tests; the limit is ${maxTests}`);
  const cases = tests.map((entry, index) => {
    const test = asObject(entry, `tests[${index}]`);
    if (!("expect" in test)) refuse(`tests[${index}].expect is missing`);
    return { params: asObject(test.params, `tests[${index}].params`), expect: test.expect };
  });
  return { name, description, language, source, manifest, tests: cases };
}
