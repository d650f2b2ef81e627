/**
 * Reads a channel's capability manifest (`<name>.capabilities.json` with `"kind": "channel"`)
 * into the `WasmChannelManifest` the host enforces. Same rules as a tool's (manifest.ts):
 * deny-all defaults, unknown fields refused by their path, impossible values refused. What a
 * channel adds: its name is the channel id it registers under, so never a host surface
 * (terminal, api, routine) nor a built-in channel's id (a plugin must not pass for Telegram);
 * the webhook's verification (manifest-webhook.ts); polling bounds; emit limits; the owner's id
 * on the platform (absent = pairing); and the `config` handed to `on-start` (manifest-config.ts).
 *
 * Example:
 *   parseChannelManifest({ kind: "channel", name: "matrix",
 *     http: { allowlist: [{ host: "matrix.example.org", path_prefix: "/_matrix/", methods: ["GET", "PUT"] }] },
 *     polling: { min_interval_ms: 1000, timeout_ms: 60000 }, config: { homeserver: "https://matrix.example.org" } },
 *     "matrix.capabilities.json");
 */
import type { ChannelEmitLimits, WasmChannelManifest } from "./contract.ts";
import { deepFreeze, readLimits, readPrefixes, readSecretNames } from "./manifest.ts";
import { readChannelConfig } from "./manifest-config.ts";
import { createFieldReader, type FieldReader, shown } from "./manifest-fields.ts";
import { readNetworkGrants } from "./manifest-network.ts";
import { readWebhookVerification } from "./manifest-webhook.ts";

/** The registry's channel id grammar (src/plugin/registry.ts). */
export const channelIdPattern = /^[a-z][a-z0-9_-]{0,31}$/;
/** Host surfaces and the built-in channels (channels/index.ts): ids a plugin may never take. */
export const reservedChannelNames: ReadonlySet<string> = new Set([
  "terminal",
  "api",
  "routine",
  "telegram",
  "discord",
  "slack",
]);

export const defaultEmitLimits: ChannelEmitLimits = Object.freeze({ perCallback: 20, perMinute: 120 });
export const pollingBounds = {
  min_interval_ms: { minimum: 1000, maximum: 24 * 3_600_000, fallback: 1000 },
  timeout_ms: { minimum: 1000, maximum: 120_000, fallback: 60_000 },
} as const;

function readPolling(reader: FieldReader, value: unknown): WasmChannelManifest["polling"] {
  if (value === undefined) return undefined;
  const raw = reader.object(value, "polling", Object.keys(pollingBounds));
  const read = (key: keyof typeof pollingBounds) => {
    const bound = pollingBounds[key];
    if (raw[key] === undefined) return bound.fallback;
    return reader.integer(raw[key], `polling.${key}`, bound.minimum, bound.maximum, " ms");
  };
  return { minIntervalMs: read("min_interval_ms"), timeoutMs: read("timeout_ms") };
}

function readEmits(reader: FieldReader, value: unknown): ChannelEmitLimits {
  if (value === undefined) return defaultEmitLimits;
  const raw = reader.object(value, "emits", ["per_callback", "per_minute"]);
  const perCallback =
    raw.per_callback === undefined
      ? defaultEmitLimits.perCallback
      : reader.integer(raw.per_callback, "emits.per_callback", 1, 1000);
  const perMinute =
    raw.per_minute === undefined
      ? Math.max(defaultEmitLimits.perMinute, perCallback)
      : reader.integer(raw.per_minute, "emits.per_minute", 1, 10_000);
  if (perCallback > perMinute)
    reader.fail("emits.per_callback", `${perCallback} is more than emits.per_minute (${perMinute})`);
  return { perCallback, perMinute };
}

function readName(reader: FieldReader, value: unknown): string {
  if (value === undefined) reader.fail("name", "is required");
  const name = reader.string(value, "name", 32);
  if (!channelIdPattern.test(name))
    reader.fail(
      "name",
      `${shown(name)} is not a channel id: start with a-z, then a-z, 0-9, _ or -, up to 32`,
    );
  if (reservedChannelNames.has(name))
    reader.fail(
      "name",
      `${shown(name)} is reserved (a host surface or a built-in channel): choose another name`,
    );
  return name;
}

function readOwnerId(reader: FieldReader, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const owner = reader.string(value, "owner_id", 255).trim();
  if (owner === "") reader.fail("owner_id", "is empty (leave it out for pairing)");
  return owner;
}

export const channelManifestKeys = [
  "kind",
  "name",
  "description",
  "http",
  "credentials",
  "secrets",
  "workspace",
  "webhook",
  "polling",
  "emits",
  "limits",
  "owner_id",
  "config",
] as const;

/** Parses and checks a channel manifest; throws ManifestError naming the field at fault. */
export function parseChannelManifest(json: unknown, source: string): WasmChannelManifest {
  const reader = createFieldReader(source);
  const raw = reader.object(json, "", channelManifestKeys);
  if (raw.kind !== "channel") reader.fail("kind", `${shown(raw.kind)}: a channel manifest says "channel"`);
  const name = readName(reader, raw.name);
  const { description, allowlist, credentials } = readNetworkGrants(reader, raw);
  const allowedNames = readSecretNames(reader, raw.secrets);
  const webhookRaw =
    raw.webhook === undefined ? undefined : reader.object(raw.webhook, "webhook", ["verification"]);
  const webhook = webhookRaw
    ? {
        verification: readWebhookVerification(reader, webhookRaw.verification, "webhook.verification", {
          allowedNames,
          credentials,
        }),
      }
    : undefined;
  const polling = readPolling(reader, raw.polling);
  const ownerId = readOwnerId(reader, raw.owner_id);
  return deepFreeze({
    kind: "channel",
    name,
    description,
    http: { allowlist },
    credentials,
    secrets: { allowedNames },
    workspace: { readPrefixes: readPrefixes(reader, raw.workspace) },
    ...(webhook ? { webhook } : {}),
    ...(polling ? { polling } : {}),
    emits: readEmits(reader, raw.emits),
    limits: { ...readLimits(reader, raw.limits) },
    ...(ownerId === undefined ? {} : { ownerId }),
    config: readChannelConfig(reader, raw.config),
  } satisfies WasmChannelManifest);
}
