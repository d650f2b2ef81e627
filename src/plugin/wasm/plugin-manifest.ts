/**
 * One entry point for any plugin manifest: `kind` decides whether it is a tool's (absent or
 * "tool", manifest.ts) or a channel's ("channel", manifest-channel.ts); anything else is refused
 * naming the field. Install, inspect and the stored-row loaders go through here, so a manifest is
 * never read with the other kind's rules.
 */
import type { WasmChannelManifest, WasmToolManifest } from "./contract.ts";
import { parseToolManifest } from "./manifest.ts";
import { parseChannelManifest } from "./manifest-channel.ts";
import { createFieldReader, shown } from "./manifest-fields.ts";

export type WasmPluginManifest = WasmToolManifest | WasmChannelManifest;
export type PluginKind = WasmPluginManifest["kind"];

export const pluginKinds: readonly PluginKind[] = ["tool", "channel"];

/** The kind a manifest declares; throws ManifestError for an unknown one. */
export function manifestKindOf(json: unknown, source: string): PluginKind {
  const kind = json !== null && typeof json === "object" ? (json as { kind?: unknown }).kind : undefined;
  if (kind === undefined || kind === "tool") return "tool";
  if (kind === "channel") return "channel";
  return createFieldReader(source).fail("kind", `${shown(kind)} is not supported: use "tool" or "channel"`);
}

export function parsePluginManifest(json: unknown, source: string): WasmPluginManifest {
  return manifestKindOf(json, source) === "channel"
    ? parseChannelManifest(json, source)
    : parseToolManifest(json, source);
}

/** Parses manifest text (a file's contents); a JSON syntax error is refused like a bad field. */
export function parsePluginManifestText(text: string, source: string): WasmPluginManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    createFieldReader(source).fail("", `is not valid JSON (${(error as Error).message})`);
  }
  return parsePluginManifest(json, source);
}
