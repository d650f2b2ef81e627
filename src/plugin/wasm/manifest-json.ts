/**
 * The stored form of a parsed manifest: the same snake_case JSON an author writes, with every
 * default spelled out. The database keeps this form, and a load parses it again with
 * `parseToolManifest` (or `parseChannelManifest`), so a row edited behind the host's back (a `*` host slipped into the
 * jsonb) is refused on load exactly as it would have been at install.
 */
import type { PluginLimits, WasmChannelManifest, WasmToolManifest } from "./contract.ts";
import { webhookVerificationToJson } from "./manifest-webhook.ts";

export type ManifestJson = Record<string, unknown>;

function limitsToJson(limits: PluginLimits): ManifestJson {
  return {
    timeout_ms: limits.timeoutMs,
    memory_mib: limits.memoryMiB,
    response_bytes: limits.responseBytes,
    requests_per_minute: limits.requestsPerMinute,
    requests_per_hour: limits.requestsPerHour,
  };
}

function networkToJson(manifest: WasmToolManifest | WasmChannelManifest): ManifestJson {
  return {
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
  };
}

export function manifestToJson(manifest: WasmToolManifest | WasmChannelManifest): ManifestJson {
  if (manifest.kind === "channel") return channelManifestToJson(manifest);
  return {
    kind: manifest.kind,
    name: manifest.name,
    description: manifest.description,
    risk: manifest.risk,
    approval: manifest.approval,
    ...networkToJson(manifest),
    limits: limitsToJson(manifest.limits),
  };
}

export function channelManifestToJson(manifest: WasmChannelManifest): ManifestJson {
  return {
    kind: manifest.kind,
    name: manifest.name,
    description: manifest.description,
    ...networkToJson(manifest),
    ...(manifest.webhook
      ? { webhook: { verification: webhookVerificationToJson(manifest.webhook.verification) } }
      : {}),
    ...(manifest.polling
      ? {
          polling: {
            min_interval_ms: manifest.polling.minIntervalMs,
            timeout_ms: manifest.polling.timeoutMs,
          },
        }
      : {}),
    emits: { per_callback: manifest.emits.perCallback, per_minute: manifest.emits.perMinute },
    limits: limitsToJson(manifest.limits),
    ...(manifest.ownerId === undefined ? {} : { owner_id: manifest.ownerId }),
    config: structuredClone(manifest.config),
  };
}
