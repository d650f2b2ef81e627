// The channel manifest: deny-all defaults, the host's shape, and every refusal an owner or a
// hostile author can hit (reserved ids, unverifiable webhooks, secrets in config, bad bounds).
import { describe, expect, test } from "bun:test";
import { channelEntries } from "../../../channels/index.ts";
import { reservedChannelIds } from "../../../src/plugin/registry.ts";
import { defaultPluginLimits } from "../../../src/plugin/wasm/contract.ts";
import { ManifestError } from "../../../src/plugin/wasm/manifest.ts";
import {
  defaultEmitLimits,
  parseChannelManifest,
  reservedChannelNames,
} from "../../../src/plugin/wasm/manifest-channel.ts";
import { manifestToJson } from "../../../src/plugin/wasm/manifest-json.ts";
import {
  manifestKindOf,
  parsePluginManifest,
  parsePluginManifestText,
} from "../../../src/plugin/wasm/plugin-manifest.ts";

const source = "chat.capabilities.json";

function refusal(json: unknown): string {
  try {
    parseChannelManifest(json, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error("the manifest was accepted");
}

const matrix = {
  kind: "channel",
  name: "matrix",
  description: "Matrix DMs.",
  http: {
    allowlist: [
      { host: "matrix.example.org", path_prefix: "/_matrix/client/", methods: ["GET", "PUT", "POST"] },
    ],
  },
  credentials: [{ secret: "matrix_access_token", hosts: ["matrix.example.org"] }],
  secrets: { allowed_names: ["matrix_hook"] },
  webhook: { verification: { type: "shared-secret", header: "X-Hook-Token", secret: "matrix_hook" } },
  polling: { min_interval_ms: 1000, timeout_ms: 40_000 },
  emits: { per_callback: 10, per_minute: 60 },
  limits: { timeout_ms: 15_000 },
  owner_id: "@alice:example.org",
  config: { homeserver: "https://matrix.example.org", display: { rooms: ["a", "b"] } },
};

const withVerification = (verification: unknown) => ({ ...matrix, webhook: { verification } });

describe("parseChannelManifest", () => {
  test("a name alone grants nothing: no host, no webhook, no polling, pairing", () => {
    const manifest = parseChannelManifest({ kind: "channel", name: "chat" }, source);
    expect(manifest).toEqual({
      kind: "channel",
      name: "chat",
      description: "",
      http: { allowlist: [] },
      credentials: [],
      secrets: { allowedNames: [] },
      workspace: { readPrefixes: [] },
      emits: defaultEmitLimits,
      limits: defaultPluginLimits,
      config: {},
    });
    expect(manifest.webhook).toBeUndefined();
    expect(manifest.polling).toBeUndefined();
    expect(manifest.ownerId).toBeUndefined();
    expect(Object.isFrozen(manifest.config)).toBe(true);
  });

  test("a full manifest is read into the host's shape", () => {
    const manifest = parseChannelManifest(matrix, source);
    expect(manifest.http.allowlist).toEqual([
      { host: "matrix.example.org", pathPrefix: "/_matrix/client", methods: ["GET", "PUT", "POST"] },
    ]);
    expect(manifest.credentials[0]).toEqual({
      secret: "matrix_access_token",
      hosts: ["matrix.example.org"],
      location: { type: "bearer" },
    });
    expect(manifest.webhook).toEqual({
      verification: { type: "shared-secret", header: "x-hook-token", secret: "matrix_hook" },
    });
    expect(manifest.polling).toEqual({ minIntervalMs: 1000, timeoutMs: 40_000 });
    expect(manifest.emits).toEqual({ perCallback: 10, perMinute: 60 });
    expect(manifest.limits).toEqual({ ...defaultPluginLimits, timeoutMs: 15_000 });
    expect(manifest.ownerId).toBe("@alice:example.org");
    expect(manifest.config).toEqual(matrix.config);
  });

  test("the stored form parses back to the same manifest (all three verifications)", () => {
    const hmac = {
      type: "hmac-sha256",
      secret: "matrix_hook",
      signature_header: "X-Signature",
      signature_prefix: "v0=",
      timestamp_header: "X-Timestamp",
      signed_template: "v0:{timestamp}:{body}",
    };
    const ed25519 = {
      type: "ed25519",
      public_key: "AB".repeat(32),
      signature_header: "X-Signature-Ed25519",
      timestamp_header: "X-Signature-Timestamp",
      tolerance_seconds: 60,
    };
    for (const json of [
      matrix,
      withVerification(hmac),
      withVerification(ed25519),
      { kind: "channel", name: "x" },
    ]) {
      const parsed = parseChannelManifest(json, source);
      expect(parseChannelManifest(manifestToJson(parsed), "stored")).toEqual(parsed);
    }
    expect(parseChannelManifest(withVerification(hmac), source).webhook?.verification).toMatchObject({
      toleranceSeconds: 300,
      signedTemplate: "v0:{timestamp}:{body}",
    });
    expect(parseChannelManifest(withVerification(ed25519), source).webhook?.verification).toMatchObject({
      publicKey: "ab".repeat(32),
    });
  });

  test("unknown fields are refused by their path, at every level", () => {
    expect(refusal({ ...matrix, risk: "read" })).toContain("risk: unknown field");
    expect(refusal({ ...matrix, polling: { interval_ms: 5 } })).toContain(
      "polling.interval_ms: unknown field",
    );
    expect(refusal({ ...matrix, emits: { per_hour: 5 } })).toContain("emits.per_hour: unknown field");
    expect(refusal({ ...matrix, webhook: { verify: {} } })).toContain("webhook.verify: unknown field");
    expect(
      refusal(
        withVerification({ type: "shared-secret", header: "x", secret: "matrix_hook", public_key: "00" }),
      ),
    ).toContain("webhook.verification.public_key: unknown field");
  });

  test("the kind must say channel", () => {
    expect(refusal({ ...matrix, kind: "tool" })).toContain('kind: "tool": a channel manifest says "channel"');
    expect(refusal({ ...matrix, kind: undefined })).toContain("kind:");
  });

  test("host surfaces and built-in channel ids are refused: a plugin must not pass for Telegram", () => {
    for (const name of ["terminal", "api", "routine", "telegram", "discord", "slack"])
      expect(refusal({ ...matrix, name })).toContain("is reserved");
    expect(refusal({ ...matrix, name: "Matrix" })).toContain("is not a channel id");
    expect(refusal({ ...matrix, name: "a".repeat(33) })).toContain("at most 32 characters");
    expect(refusal({ ...matrix, name: undefined })).toContain("name: is required");
  });

  test("the reserved list covers every host surface and every built-in channel", () => {
    for (const id of reservedChannelIds) expect(reservedChannelNames.has(id)).toBe(true);
    for (const entry of channelEntries) expect(reservedChannelNames.has(entry.config.id)).toBe(true);
  });

  test("a webhook without verification, or of an unknown type, is refused", () => {
    expect(refusal({ ...matrix, webhook: {} })).toContain("webhook.verification: is required");
    expect(refusal(withVerification({ type: "none" }))).toContain("webhook.verification.type");
    expect(refusal(withVerification({ type: "shared-secret", secret: "matrix_hook" }))).toContain(
      "webhook.verification.header: is required",
    );
    expect(
      refusal(withVerification({ type: "shared-secret", header: "bad header", secret: "matrix_hook" })),
    ).toContain("is not an HTTP header name");
  });

  test("a webhook secret must be listed in secrets.allowed_names and must not be a credential", () => {
    expect(
      refusal(withVerification({ type: "shared-secret", header: "x-token", secret: "other" })),
    ).toContain('"other" must also be listed in secrets.allowed_names');
    const reused = {
      ...withVerification({ type: "shared-secret", header: "x-token", secret: "matrix_access_token" }),
      secrets: { allowed_names: ["matrix_access_token"] },
    };
    expect(refusal(reused)).toContain("is a credential sent to the platform's API");
  });

  test("an HMAC template must sign both the timestamp and the body", () => {
    const hmac = (template: string) =>
      withVerification({
        type: "hmac-sha256",
        secret: "matrix_hook",
        signature_header: "x-sig",
        timestamp_header: "x-ts",
        signed_template: template,
      });
    expect(refusal(hmac("{body}"))).toContain("must contain {timestamp}");
    expect(refusal(hmac("v0:{timestamp}"))).toContain("must contain {body}");
    expect(
      refusal({
        ...hmac("{timestamp}.{body}"),
        webhook: { verification: { type: "hmac-sha256", secret: "matrix_hook", signature_header: "x-sig" } },
      }),
    ).toContain("timestamp_header: is required");
  });

  test("an Ed25519 key must be 32 bytes of hex; the staleness window is bounded", () => {
    const ed = (publicKey: string, tolerance?: number) =>
      withVerification({
        type: "ed25519",
        public_key: publicKey,
        signature_header: "x-sig",
        timestamp_header: "x-ts",
        ...(tolerance === undefined ? {} : { tolerance_seconds: tolerance }),
      });
    expect(refusal(ed("ab".repeat(31)))).toContain("32 bytes as 64 hex characters");
    expect(refusal(ed("zz".repeat(32)))).toContain("32 bytes as 64 hex characters");
    expect(refusal(ed("ab".repeat(32), 0))).toContain("tolerance_seconds: 0 s is impossible");
    expect(refusal(ed("ab".repeat(32), 86_400))).toContain("use 1 s to 3600 s");
  });

  test("polling bounds: at least 1 s between polls, a poll at most 120 s", () => {
    expect(refusal({ ...matrix, polling: { min_interval_ms: 10 } })).toContain(
      "polling.min_interval_ms: 10 ms is impossible",
    );
    expect(refusal({ ...matrix, polling: { timeout_ms: 600_000 } })).toContain("polling.timeout_ms");
    expect(parseChannelManifest({ ...matrix, polling: {} }, source).polling).toEqual({
      minIntervalMs: 1000,
      timeoutMs: 60_000,
    });
  });

  test("emit limits: positive, and per callback never above per minute", () => {
    expect(refusal({ ...matrix, emits: { per_callback: 0 } })).toContain("emits.per_callback");
    expect(refusal({ ...matrix, emits: { per_callback: 50, per_minute: 10 } })).toContain(
      "is more than emits.per_minute",
    );
    expect(refusal({ ...matrix, emits: { per_minute: 100_000 } })).toContain("emits.per_minute");
  });

  test("limits are checked like a tool's", () => {
    expect(refusal({ ...matrix, limits: { memory_mib: 4096 } })).toContain(
      "limits.memory_mib: 4096 MiB is impossible",
    );
  });

  test("owner_id: absent means pairing, empty is refused", () => {
    expect(parseChannelManifest({ ...matrix, owner_id: undefined }, source).ownerId).toBeUndefined();
    expect(refusal({ ...matrix, owner_id: "  " })).toContain("owner_id: is empty");
    expect(refusal({ ...matrix, owner_id: 42 })).toContain("owner_id: must be a string");
  });

  test("config must be an object without secrets in it", () => {
    expect(refusal({ ...matrix, config: ["a"] })).toContain("config: must be an object");
    expect(refusal({ ...matrix, config: { access_token: "syt_abcdefghijklmnop" } })).toContain(
      "config.access_token: looks like a secret",
    );
    expect(refusal({ ...matrix, config: { nested: { password: "hunter2hunter2" } } })).toContain(
      "config.nested.password: looks like a secret",
    );
    expect(refusal({ ...matrix, config: { note: "ghp_0123456789abcdefghijklmnopqrstuvwxyz" } })).toContain(
      "looks like a credential",
    );
    expect(refusal({ ...matrix, config: { blob: "x".repeat(20_000) } })).toContain("larger than 16 KiB");
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 10; level++) deep = { deep };
    expect(refusal({ ...matrix, config: deep })).toContain("nested deeper than 8 levels");
    // Talking about a secret is fine: its name, the header it goes in, an author's name.
    const fine = {
      token_header: "Authorization",
      secret_name: "matrix_access_token",
      author: "Alice Example",
    };
    expect(parseChannelManifest({ ...matrix, config: fine }, source).config).toEqual(fine);
  });
});

describe("parsePluginManifest", () => {
  test("kind picks the parser; absent is a tool; anything else is refused", () => {
    expect(parsePluginManifest({ name: "clock" }, source).kind).toBe("tool");
    expect(parsePluginManifest(matrix, source).kind).toBe("channel");
    expect(manifestKindOf({ kind: "channel" }, source)).toBe("channel");
    expect(() => manifestKindOf({ kind: "skill" }, source)).toThrow(
      'kind: "skill" is not supported: use "tool" or "channel"',
    );
    expect(() => parsePluginManifestText("{", source)).toThrow("is not valid JSON");
  });

  test("a channel manifest is never read with the tool's rules, nor the reverse", () => {
    expect(() => parsePluginManifest({ ...matrix, kind: "tool" }, source)).toThrow("unknown field");
    expect(() => parsePluginManifest({ kind: "channel", name: "x", risk: "read" }, source)).toThrow(
      "risk: unknown field",
    );
  });
});
