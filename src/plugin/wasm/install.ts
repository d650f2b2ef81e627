/**
 * Installing a WASM tool or channel, in two steps with the owner in between:
 *   1. `installWasmTool` checks everything and changes nothing: the manifest parses (deny-all,
 *      unknown fields refused), the component decodes, imports only the host's interfaces,
 *      exports the tool world, is built for a WIT version this host loads, and its name is not a
 *      built-in's. It returns the review the owner reads (capabilities, SHA-256, size, imports).
 *      A channel (`installWasmPlugin` with a `"kind": "channel"` manifest) is checked against the
 *      channel world instead; a component of the other world, or a name installed as the other
 *      kind, is refused naming both.
 *   2. `commitInstall` stores exactly the reviewed bytes and manifest (the hash is taken again, so
 *      bytes changed after the review are refused) as a new version, and maps the granted
 *      credentials whose secrets are stored, all in one transaction: nothing is half-installed.
 * Removal, enabling and disabling live here too, so the CLI and the chat share one path.
 */
import { createHash } from "node:crypto";
import { announceCommitted } from "../../db/change-feed.ts";
import type { Database } from "../../db/client.ts";
import { inTransaction } from "../../db/transaction.ts";
import {
  deleteWasmTool,
  getWasmToolSummary,
  saveWasmToolVersion,
  setWasmToolStatus,
  type WasmToolSummary,
} from "../../db/wasm-tools.ts";
import { AppError } from "../../errors.ts";
import { checkToolComponent } from "./component-policy.ts";
import type { WasmToolManifest } from "./contract.ts";
import { describeGrants, ensureGrantMappings, type GrantStatus } from "./credential-grants.ts";
import { ComponentRefusedError, inspectComponent } from "./inspect.ts";
import { parseToolManifest } from "./manifest.ts";
import { manifestToJson } from "./manifest-json.ts";
import { parsePluginManifest, type WasmPluginManifest } from "./plugin-manifest.ts";
import { formatReview } from "./review.ts";

/** Components above this size are refused before they are decoded. */
export const maxComponentBytes = 64 * 1024 * 1024;
/** Stored source above this size is refused (the toolchain's own limit is lower). */
export const maxSourceChars = 512 * 1024;

export interface InstallRequest {
  readonly db: Database;
  readonly bytes: Uint8Array;
  /** The manifest JSON as an author writes it (`<name>.capabilities.json`). */
  readonly manifest: unknown;
  /** Where the manifest came from, for messages (`weather.capabilities.json`). */
  readonly manifestSource?: string;
  /** The source the component was built from, when known (shown by `tools inspect --source`). */
  readonly source?: string;
  /** Test cases it passed when the host built it (issue #18). */
  readonly tests?: readonly unknown[];
  /** Names of the host's own tools (built-in and host-backed): an installed tool may not take one. */
  readonly reservedNames: ReadonlySet<string>;
}

export interface InstallReview<Manifest extends WasmPluginManifest = WasmToolManifest> {
  readonly name: string;
  readonly manifest: Manifest;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly size: number;
  readonly imports: readonly string[];
  readonly exports: readonly string[];
  readonly pluginVersion?: string;
  readonly source?: string;
  readonly tests?: readonly unknown[];
  readonly grants: readonly GrantStatus[];
  readonly version: number;
  readonly replaces?: { readonly version: number; readonly sha256: string };
  /** The review as the owner reads it. */
  readonly lines: readonly string[];
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Refuses a name held by one of the host's own tools. */
export function refuseReservedName(name: string, reserved: ReadonlySet<string>): void {
  if (reserved.has(name)) {
    throw new AppError(
      "conflict",
      `"${name}" is the name of one of IronClaw's own tools: choose another name`,
      {
        context: { name },
      },
    );
  }
}

/** Checks a tool for installation and returns what the owner must see; stores nothing. */
export function installWasmTool(request: InstallRequest): Promise<InstallReview> {
  return review(request, parseToolManifest(request.manifest, request.manifestSource ?? "manifest"));
}

/** The same for a tool or a channel, by the manifest's `kind`. */
export function installWasmPlugin(request: InstallRequest): Promise<InstallReview<WasmPluginManifest>> {
  return review(request, parsePluginManifest(request.manifest, request.manifestSource ?? "manifest"));
}

/** Refuses installing a tool over a channel of the same name, or the reverse. */
function refuseOtherKind(name: string, kind: string, installedKind: string | undefined): void {
  if (installedKind === undefined || installedKind === kind) return;
  throw new AppError(
    "conflict",
    `"${name}" is installed as a ${installedKind}; this is a ${kind}: remove the ${installedKind} first (\`ironclaw tools remove ${name}\`) or choose another name`,
    { context: { name, kind, installedKind } },
  );
}

async function review<Manifest extends WasmPluginManifest>(
  request: InstallRequest,
  manifest: Manifest,
): Promise<InstallReview<Manifest>> {
  if (manifest.kind === "tool") refuseReservedName(manifest.name, request.reservedNames);
  if (request.bytes.byteLength > maxComponentBytes) {
    throw new ComponentRefusedError(
      `the component is ${request.bytes.byteLength} bytes; the limit is ${maxComponentBytes}`,
    );
  }
  if (request.source !== undefined && request.source.length > maxSourceChars) {
    throw new AppError(
      "invalid_input",
      `the source is ${request.source.length} characters; the limit is ${maxSourceChars}`,
    );
  }
  // A copy: the caller's buffer may change after the review; the stored bytes may not.
  const bytes = new Uint8Array(request.bytes);
  const component = checkToolComponent(await inspectComponent(bytes), manifest.kind);
  const current = await getWasmToolSummary(request.db, manifest.name);
  refuseOtherKind(manifest.name, manifest.kind, current?.kind);
  const grants = await describeGrants(request.db, manifest.credentials);
  const sha256 = sha256Hex(bytes);
  const facts = {
    manifest,
    sha256,
    size: bytes.byteLength,
    imports: component.imports,
    pluginVersion: component.pluginVersion,
    sourceChars: request.source?.length,
    grants,
    version: (current?.version ?? 0) + 1,
    ...(current ? { replaces: { version: current.version, sha256: current.sha256 } } : {}),
  };
  return {
    ...facts,
    name: manifest.name,
    bytes,
    exports: component.exports,
    source: request.source,
    tests: request.tests,
    lines: formatReview(facts),
  };
}

export interface CommittedInstall {
  readonly row: WasmToolSummary;
  readonly grants: readonly GrantStatus[];
}

/** Stores the reviewed tool as a new version, with its credential mappings, in one transaction. */
export async function commitInstall(
  db: Database,
  review: InstallReview<WasmPluginManifest>,
  reservedNames: ReadonlySet<string>,
): Promise<CommittedInstall> {
  if (review.manifest.kind === "tool") refuseReservedName(review.name, reservedNames);
  if (sha256Hex(review.bytes) !== review.sha256) {
    throw new ComponentRefusedError("the component changed after it was reviewed: review it again");
  }
  const committed = await inTransaction(db, async (tx) => {
    refuseOtherKind(review.name, review.manifest.kind, (await getWasmToolSummary(tx, review.name))?.kind);
    const row = await saveWasmToolVersion(tx, {
      name: review.name,
      kind: review.manifest.kind,
      binary: review.bytes,
      sha256: review.sha256,
      manifest: manifestToJson(review.manifest),
      source: review.source ?? null,
      tests: review.tests ? [...review.tests] : null,
    });
    const grants = await ensureGrantMappings(tx, review.manifest.credentials);
    return { row, grants };
  });
  // The version row announced itself inside this transaction; tell this process again now
  // that it is committed (other processes hear it from the commit's NOTIFY).
  announceCommitted("wasm_tools");
  return committed;
}

/** Removes an installed tool and its versions; false when no tool has that name. */
export function removeWasmTool(db: Database, name: string): Promise<boolean> {
  return deleteWasmTool(db, name);
}

/**
 * Turns a tool on (mapping granted credentials whose secrets were stored since) or off with the
 * owner's reason. False when no tool has that name.
 */
export async function setWasmToolEnabled(db: Database, name: string, enabled: boolean): Promise<boolean> {
  const row = await getWasmToolSummary(db, name);
  if (!row) return false;
  if (!enabled) return setWasmToolStatus(db, name, "disabled", { reason: "disabled by the owner" });
  const manifest = parsePluginManifest(row.manifest, `the stored manifest of ${name}`);
  const changed = await inTransaction(db, async (tx) => {
    await ensureGrantMappings(tx, manifest.credentials);
    return setWasmToolStatus(tx, name, "enabled");
  });
  announceCommitted("wasm_tools");
  return changed;
}
