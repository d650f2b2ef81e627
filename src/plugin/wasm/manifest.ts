/**
 * Reads a tool's capability manifest (`<name>.capabilities.json`) into the `WasmToolManifest` the
 * host enforces. Deny-all: whatever the manifest leaves out is not granted (no host, no secret,
 * no workspace path), and limits fall back to the defaults in contract.ts. Anything the parser
 * does not understand is refused, naming the field (`limits.memmory_mib: unknown field`), and so
 * is anything impossible (`limits.memory_mib: 4096 MiB is impossible: use 16 MiB to 1024 MiB`):
 * a manifest the owner approves must mean exactly what it says.
 *
 * Example:
 *   parseToolManifest({ kind: "tool", name: "weather",
 *     http: { allowlist: [{ host: "api.weather.example", path_prefix: "/v1" }] } },
 *     "weather.capabilities.json");
 */
import type { ToolApproval, ToolRisk } from "../tool.ts";
import { defaultPluginLimits, type PluginLimits, type WasmToolManifest } from "./contract.ts";
import { createFieldReader, type FieldReader, shown } from "./manifest-fields.ts";
import { readNetworkGrants, writingMethods } from "./manifest-network.ts";

export { ManifestError } from "./manifest-fields.ts";

/** The same grammar the plugin registry enforces for every tool name. */
export const toolNamePattern = /^[a-z][a-z0-9_-]{0,63}$/;
const secretNamePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const risks: readonly ToolRisk[] = ["read", "write", "external", "exec"];
const approvals: readonly ToolApproval[] = ["never", "unless-auto-approved", "always"];

/** What a limit may be set to; outside these a tool could not run, or could starve the host. */
export const limitBounds = {
  timeout_ms: { minimum: 1, maximum: 10 * 60_000, unit: " ms" },
  memory_mib: { minimum: 16, maximum: 1024, unit: " MiB" },
  response_bytes: { minimum: 1, maximum: 64 * 1024 * 1024, unit: " bytes" },
  requests_per_minute: { minimum: 0, maximum: 1000, unit: "" },
  requests_per_hour: { minimum: 0, maximum: 60_000, unit: "" },
} as const;

export function readLimits(reader: FieldReader, value: unknown): PluginLimits {
  if (value === undefined) return defaultPluginLimits;
  const raw = reader.object(value, "limits", Object.keys(limitBounds));
  const read = (key: keyof typeof limitBounds, fallback: number): number => {
    if (raw[key] === undefined) return fallback;
    const bound = limitBounds[key];
    return reader.integer(raw[key], `limits.${key}`, bound.minimum, bound.maximum, bound.unit);
  };
  return {
    timeoutMs: read("timeout_ms", defaultPluginLimits.timeoutMs),
    memoryMiB: read("memory_mib", defaultPluginLimits.memoryMiB),
    responseBytes: read("response_bytes", defaultPluginLimits.responseBytes),
    requestsPerMinute: read("requests_per_minute", defaultPluginLimits.requestsPerMinute),
    requestsPerHour: read("requests_per_hour", defaultPluginLimits.requestsPerHour),
  };
}

/** Workspace-relative folders or files; no absolute path, no `..`, no `.`: never wider than named. */
export function readPrefixes(reader: FieldReader, value: unknown): string[] {
  if (value === undefined) return [];
  const raw = reader.object(value, "workspace", ["read_prefixes"]);
  if (raw.read_prefixes === undefined) return [];
  return reader.array(raw.read_prefixes, "workspace.read_prefixes", 32).map((entry, index) => {
    const field = `workspace.read_prefixes[${index}]`;
    const prefix = reader.string(entry, field, 256).replace(/^\.\//, "").replace(/\/+$/, "");
    const segments = prefix.split("/");
    if (prefix.startsWith("/") || segments.some((segment) => ["", ".", ".."].includes(segment))) {
      reader.fail(
        field,
        `${shown(entry)} must be a path inside the workspace, such as "notes" or "notes/daily"`,
      );
    }
    return prefix;
  });
}

export function readSecretNames(reader: FieldReader, value: unknown): string[] {
  if (value === undefined) return [];
  const raw = reader.object(value, "secrets", ["allowed_names"]);
  if (raw.allowed_names === undefined) return [];
  return reader.array(raw.allowed_names, "secrets.allowed_names", 32).map((entry, index) => {
    const name = reader.string(entry, `secrets.allowed_names[${index}]`, 64);
    if (!secretNamePattern.test(name)) {
      reader.fail(`secrets.allowed_names[${index}]`, `${shown(name)} is not a secret name`);
    }
    return name;
  });
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Parses and checks a manifest; throws ManifestError naming the field at fault. */
export function parseToolManifest(json: unknown, source: string): WasmToolManifest {
  const reader = createFieldReader(source);
  const raw = reader.object(json, "", [
    "kind",
    "name",
    "description",
    "risk",
    "approval",
    "http",
    "credentials",
    "secrets",
    "workspace",
    "limits",
  ]);
  if (raw.kind !== undefined && raw.kind !== "tool") {
    reader.fail("kind", `${shown(raw.kind)} is not supported: use "tool"`);
  }
  if (raw.name === undefined) reader.fail("name", "is required");
  const name = reader.string(raw.name, "name", 64);
  if (!toolNamePattern.test(name)) {
    reader.fail("name", `${shown(name)} is not allowed: start with a-z, then a-z, 0-9, _ or -, up to 64`);
  }
  const { description, allowlist, credentials } = readNetworkGrants(reader, raw);
  // A tool that reaches the network is `external` unless the manifest says otherwise.
  const risk =
    raw.risk === undefined
      ? allowlist.length > 0
        ? "external"
        : "read"
      : reader.oneOf(raw.risk, "risk", risks);
  if (risk === "read") {
    allowlist.forEach((rule, index) => {
      const writing = rule.methods.find((method) => writingMethods.has(method));
      if (writing)
        reader.fail(
          "risk",
          `"read" but http.allowlist[${index}] allows ${writing}: use "write" or "external"`,
        );
    });
  }
  const approval =
    raw.approval === undefined ? "unless-auto-approved" : reader.oneOf(raw.approval, "approval", approvals);
  return deepFreeze({
    kind: "tool",
    name,
    description,
    risk,
    approval,
    http: { allowlist },
    credentials,
    secrets: { allowedNames: readSecretNames(reader, raw.secrets) },
    workspace: { readPrefixes: readPrefixes(reader, raw.workspace) },
    limits: { ...readLimits(reader, raw.limits) },
  });
}

/** Parses manifest text (a file's contents); a JSON syntax error is refused like a bad field. */
export function parseToolManifestText(text: string, source: string): WasmToolManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    createFieldReader(source).fail("", `is not valid JSON (${(error as Error).message})`);
  }
  return parseToolManifest(json, source);
}
