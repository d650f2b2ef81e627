/**
 * The shapes the WASM plugin host's parts agree on: the parsed capability manifest (manifest.ts
 * turns `<name>.capabilities.json` into this, refusing anything unknown or impossible), the
 * artifact an installed tool is loaded from (binary + manifest + SHA-256, from the database), and
 * the runtime that turns an artifact into a `Tool` the agent calls like a built-in one.
 *
 * Defaults are deny-all: an empty allowlist reaches no host, no secret is visible, no workspace
 * path is readable.
 */
import type { CredentialLocation } from "../../secrets/mapping.ts";
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
