/**
 * The doctor's lines about installed WASM channels, one per channel: enabled or disabled (with
 * the reason: the owner's choice, a hash mismatch), who its owner is (the manifest's `owner_id`,
 * or pairing), and for an enabled one what would keep it from loading at the next start,
 * checked here without running it: the stored bytes against their SHA-256, the stored manifest,
 * the component's world and imports. A failure only the runtime sees (on-start failing, the
 * platform down) is in the running assistant's `/readyz` lines as `channel:<name>`.
 */
import type { Database } from "../db/client.ts";
import { getWasmTool, listWasmTools } from "../db/wasm-tools.ts";
import { describeError } from "../errors.ts";
import { checkChannelComponent } from "../plugin/wasm/component-policy.ts";
import { inspectComponent } from "../plugin/wasm/inspect.ts";
import { sha256Hex } from "../plugin/wasm/install.ts";
import { parseChannelManifest } from "../plugin/wasm/manifest-channel.ts";

async function describeEnabled(db: Database, name: string): Promise<string> {
  const row = await getWasmTool(db, name);
  if (!row) return `${name}: removed meanwhile`;
  if (sha256Hex(row.binary) !== row.sha256)
    return `${name}: enabled, but will NOT load (the stored component does not match its SHA-256)`;
  try {
    const manifest = parseChannelManifest(row.manifest, `the stored manifest of ${name}`);
    checkChannelComponent(await inspectComponent(row.binary));
    const owner = manifest.ownerId === undefined ? "whoever pairs" : manifest.ownerId;
    return `${name}: enabled, v${row.version} (owner: ${owner}; starts with the assistant)`;
  } catch (error) {
    return `${name}: enabled, but will NOT load (${describeError(error)})`;
  }
}

export async function describeInstalledWasmChannels(db: Database): Promise<string[]> {
  const channels = (await listWasmTools(db)).filter((row) => row.kind === "channel");
  if (channels.length === 0)
    return ['installed: none (`ironclaw tools install <folder>` with a "kind": "channel" manifest)'];
  const lines: string[] = [];
  for (const channel of channels) {
    lines.push(
      channel.status === "enabled"
        ? await describeEnabled(db, channel.name)
        : `${channel.name}: disabled (${channel.disabledReason ?? "no reason recorded"})`,
    );
  }
  return lines;
}
