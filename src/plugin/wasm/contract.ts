/**
 * The shapes the WASM plugin host's parts agree on: the parsed capability manifest (manifest.ts
 * turns `<name>.capabilities.json` into this, refusing anything unknown or impossible), the
 * artifact an installed tool is loaded from (binary + manifest + SHA-256, from the database), and
 * the runtime that turns an artifact into a `Tool` the agent calls like a built-in one.
 *
 * Defaults are deny-all: an empty allowlist reaches no host, no secret is visible, no workspace
 * path is readable.
 */
import type { Logger } from "../../log.ts";
import type { CredentialLocation } from "../../secrets/mapping.ts";
import type { Channel } from "../channel.ts";
import type { HttpPort, SecretsPort, WorkspacePort } from "../ports/index.ts";
import type { Tool, ToolApproval, ToolRisk } from "../tool.ts";

/** The WIT package version this host implements (tools/wit/plugin.wit). */
export const hostWitVersion = { major: 0, minor: 1, patch: 0 } as const;

export interface HttpAllowRule {
  /** Exact host name, or `*.example.com` for its subdomains (never a bare `*`). */
  readonly host: string;
  /** Paths that start with this prefix; "/" = any path. */
  readonly pathPrefix: string;
  /** Upper-case methods allowed; empty = GET only. */
  readonly methods: readonly string[];
}

export interface CredentialGrant {
  /** The secret's name in the store; the plugin never sees its value. */
  readonly secret: string;
  /** Hosts (globs as in `ironclaw secrets map`) the host injects it for. */
  readonly hosts: readonly string[];
  /** Where the host writes it (manifest default: `{ "type": "bearer" }`). */
  readonly location: CredentialLocation;
}

export interface PluginLimits {
  /** Wall-clock deadline of one call (metered loops stop at it). */
  readonly timeoutMs: number;
  /** Cap of the guest's linear memory. */
  readonly memoryMiB: number;
  /** Largest HTTP response body the host hands over. */
  readonly responseBytes: number;
  readonly requestsPerMinute: number;
  readonly requestsPerHour: number;
}

export const defaultPluginLimits: PluginLimits = Object.freeze({
  timeoutMs: 10_000,
  memoryMiB: 64,
  responseBytes: 1024 * 1024,
  requestsPerMinute: 30,
  requestsPerHour: 300,
});

export interface WasmToolManifest {
  readonly kind: "tool";
  readonly name: string;
  readonly description: string;
  readonly risk: ToolRisk;
  readonly approval: ToolApproval;
  readonly http: { readonly allowlist: readonly HttpAllowRule[] };
  readonly credentials: readonly CredentialGrant[];
  readonly secrets: { readonly allowedNames: readonly string[] };
  readonly workspace: { readonly readPrefixes: readonly string[] };
  readonly limits: PluginLimits;
}

/** What an installed tool is loaded from; `sha256` is of `component` and is checked on every load. */
export interface WasmToolArtifact {
  readonly name: string;
  readonly component: Uint8Array;
  readonly sha256: string;
  readonly manifest: WasmToolManifest;
}

/** What a component imports and exports, read from its embedded WIT (jco `componentWit`). */
export interface ComponentInfo {
  /** e.g. `ironclaw:plugin/host@0.1.0`, `wasi:io/streams@0.2.3`. */
  readonly imports: readonly string[];
  readonly exports: readonly string[];
  /** The `ironclaw:plugin` version it was built for, when it imports or exports one of ours. */
  readonly pluginVersion?: string;
}

/** Loads installed tools into sandboxes; one per host process. */
export interface WasmToolRuntime {
  /**
   * Verifies the hash, prepares the component (transpile, meter, cap memory; cached by hash)
   * and starts its Worker. The returned tool's description and parameters come from the
   * component's `description()` / `schema()` (the manifest's description wins when set).
   */
  load(artifact: WasmToolArtifact): Promise<Tool>;
  /** Stops a loaded tool's Worker (remove, disable). */
  unload(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * How the host checks a webhook request before any guest code runs (constant-time comparisons;
 * a failure is a 401). Secrets are named, never written in the manifest: the host reads them
 * from the secret store, the guest never sees them.
 */
export type WebhookVerification =
  /** A header that must equal a stored secret (Telegram's `X-Telegram-Bot-Api-Secret-Token`). */
  | { readonly type: "shared-secret"; readonly header: string; readonly secret: string }
  /**
   * HMAC-SHA256 over `signedTemplate` with `{timestamp}` and `{body}` filled in (Slack:
   * `v0:{timestamp}:{body}`), hex, compared with `signatureHeader` less `signaturePrefix`;
   * a timestamp older or newer than `toleranceSeconds` is refused (replays).
   */
  | {
      readonly type: "hmac-sha256";
      readonly secret: string;
      readonly signatureHeader: string;
      readonly signaturePrefix: string;
      readonly timestampHeader: string;
      readonly signedTemplate: string;
      readonly toleranceSeconds: number;
    }
  /** Ed25519 over timestamp + body (Discord interactions); `publicKey` is hex, not a secret. */
  | {
      readonly type: "ed25519";
      readonly publicKey: string;
      readonly signatureHeader: string;
      readonly timestampHeader: string;
      readonly toleranceSeconds: number;
    };

export interface ChannelEmitLimits {
  /**
   * Messages + actions one callback may emit; beyond it `emit-*` answers an error and nothing more
   * is delivered (what came before the cap is, so a guest that stops at the error can keep its
   * cursor right; the overflow is reported in health).
   */
  readonly perCallback: number;
  /** Messages + actions per minute across callbacks. */
  readonly perMinute: number;
}

export interface WasmChannelManifest {
  readonly kind: "channel";
  /** The channel id it registers under (never a reserved one: terminal, api, routine). */
  readonly name: string;
  readonly description: string;
  readonly http: { readonly allowlist: readonly HttpAllowRule[] };
  readonly credentials: readonly CredentialGrant[];
  readonly secrets: { readonly allowedNames: readonly string[] };
  readonly workspace: { readonly readPrefixes: readonly string[] };
  /** Absent: the channel serves no webhooks (routes returned by `on-start` are refused). */
  readonly webhook?: { readonly verification: WebhookVerification };
  /** Absent: `on-poll` is never called. */
  readonly polling?: {
    /** The shortest interval between the starts of two polls (a long-poll is followed at once). */
    readonly minIntervalMs: number;
    /** Deadline of one `on-poll` (a long-poll needs more than `limits.timeoutMs`). */
    readonly timeoutMs: number;
  };
  readonly emits: ChannelEmitLimits;
  /** Deadline (`timeoutMs`) and memory of every other callback; HTTP caps and rates. */
  readonly limits: PluginLimits;
  /** The owner's user id on the platform; unset = pairing (a one-time code the owner confirms). */
  readonly ownerId?: string;
  /** Passed to `on-start` as JSON (homeserver URL, options); no secrets belong here. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** What an installed channel is loaded from; `sha256` is of `component`, checked on every load. */
export interface WasmChannelArtifact {
  readonly name: string;
  readonly component: Uint8Array;
  readonly sha256: string;
  readonly manifest: WasmChannelManifest;
}

/**
 * A WASM channel's own key-value store (`state-read` / `state-write`), in the host's database so
 * it survives restarts (a poll cursor lives here). The runtime always passes the channel's
 * registered name, so one channel cannot reach another's keys.
 */
export interface ChannelStateStore {
  read(channel: string, key: string): Promise<string | undefined>;
  /** Applies every write at once (a `null` value deletes the key), or none of them. */
  apply(channel: string, writes: ReadonlyMap<string, string | null>): Promise<void>;
}

/** What the host hands a WASM channel when it loads it: ports, never reach. */
export interface WasmChannelBindings {
  /** The store behind `state-read` / `state-write` (src/db/wasm-channel-state.ts). */
  readonly state: ChannelStateStore;
  /** The guarded HTTP port tools get (SSRF check with pinning, leak scan, credential injection). */
  readonly http: HttpPort;
  /** Behind `secret-exists`; only names the manifest lists are ever asked. */
  readonly secrets: SecretsPort;
  /**
   * A stored secret's value, for webhook verification on the host (the secret store's `reveal`).
   * The guest never sees it; undefined = not stored (every webhook request is then refused).
   */
  readonly revealSecret: (name: string) => Promise<string | undefined>;
  /** Behind `workspace-read` (under the manifest's prefixes); absent = every read refused. */
  readonly workspace?: WorkspacePort;
  /** The channel's log; the guest's `log()` lines and the runtime's own go here. */
  readonly log: Logger;
  /** The host's clock (webhook timestamp staleness, emit-rate windows). Default: `new Date()`. */
  readonly now?: () => Date;
}

/** Loads installed channels into sandboxes (two Workers each: callbacks, and polling). */
export interface WasmChannelRuntime {
  /**
   * Verifies the hash, prepares the component (cached like tools), returns a `Channel` whose
   * `start(host)` calls `on-start`. Refuses a reserved name (terminal, api, routine).
   */
  load(artifact: WasmChannelArtifact, bindings: WasmChannelBindings): Promise<Channel>;
  /** Stops every loaded channel's Workers. */
  close(): Promise<void>;
}
