/**
 * The stored form of a parsed manifest: the same snake_case JSON an author writes, with every
 * default spelled out. The database keeps this form, and a load parses it again with
 * `parseToolManifest`, so a row edited behind the host's back (a `*` host slipped into the
 * jsonb) is refused on load exactly as it would have been at install.
 */
import type { WasmToolManifest } from "./contract.ts";

export type ManifestJson = Record<string, unknown>;

export function manifestToJson(manifest: WasmToolManifest): ManifestJson {
  return {
    kind: manifest.kind,
    name: manifest.name,
    description: manifest.description,
    risk: manifest.risk,
    approval: manifest.approval,
    http: {
      allowlist: manifest.http.allowlist.map((rule) => ({
        host: rule.host,
        path_prefix: rule.pathPrefix,
        methods: [...rule.methods],
      })),
    },
    credentials: manifest.credentials.map((grant) => ({
      secret: grant.secret,
      hosts: [...grant.hosts],
      location: { ...grant.location },
    })),
    secrets: { allowed_names: [...manifest.secrets.allowedNames] },
    workspace: { read_prefixes: [...manifest.workspace.readPrefixes] },
    limits: {
      timeout_ms: manifest.limits.timeoutMs,
      memory_mib: manifest.limits.memoryMiB,
      response_bytes: manifest.limits.responseBytes,
      requests_per_minute: manifest.limits.requestsPerMinute,
      requests_per_hour: manifest.limits.requestsPerHour,
    },
  };
}
