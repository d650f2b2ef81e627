/**
 * The owner's installed WASM channels in a host: the enabled `kind = "channel"` rows of
 * `wasm_tools`, loaded once at start (a channel installed, changed or removed while the host runs
 * takes effect at the next start; the CLI says so). Each load checks the stored bytes against the
 * SHA-256 recorded at install (a mismatch turns the row off for good and tells the owner once,
 * as for tools: the bytes may have been tampered with), parses the stored manifest again, and
 * hands the component to the channel runtime with the host's ports: the same guarded HTTP port
 * tools get (allowlist, SSRF check, leak scan, credential injection), `secret-exists`, the secret
 * store's `reveal` for webhook verification only, and the channel's own state store.
 *
 * The loaded channel registers like any channel plugin, under the manifest's name, with the
 * manifest's `owner_id` as its owner (unset: pairing). A channel that fails to load or to
 * register is off for this start only: the reason is logged, shown in `/readyz` (and so in
 * `doctor`) as `channel:<name>`, and the host starts without it.
 */

import type { Database } from "../db/client.ts";
import { enqueueDelivery } from "../db/routines.ts";
import { inTransaction } from "../db/transaction.ts";
import { createDatabaseChannelStateStore } from "../db/wasm-channel-state.ts";
import { getWasmTool, listWasmTools, setWasmToolStatus, type WasmToolRow } from "../db/wasm-tools.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ChannelHealth } from "../plugin/channel.ts";
import type { ToolPorts } from "../plugin/ports/index.ts";
import type { PluginRegistry } from "../plugin/registry.ts";
import type { WasmChannelRuntime } from "../plugin/wasm/contract.ts";
import { sha256Hex } from "../plugin/wasm/install.ts";
import { parseChannelManifest } from "../plugin/wasm/manifest-channel.ts";

export interface WasmChannelSetOptions {
  db: Database;
  runtime: WasmChannelRuntime;
  log: Logger;
  /** The secret store's `reveal` (webhook verification); absent = every verified webhook refused. */
  revealSecret?: (name: string) => Promise<string | undefined>;
  now?: () => Date;
}

export type WasmChannelSet = ReturnType<typeof createWasmChannelSet>;

export function createWasmChannelSet(options: WasmChannelSetOptions) {
  const { db, runtime, log } = options;
  const now = options.now ?? (() => new Date());
  const failures = new Map<string, ChannelHealth>();
  const loaded: string[] = [];

  function fail(name: string, reason: string): void {
    failures.set(name, { ok: false, detail: reason.slice(0, 300) });
    log.error("installed channel is off for this start", { channel: name, reason });
  }

  /** A hash mismatch: the row is turned off (compare-and-set) and the owner told once. */
  async function turnOffTampered(row: WasmToolRow, actual: string): Promise<void> {
    const reason = `hash mismatch: the stored component hashes to ${actual}, not the ${row.sha256} recorded at install`;
    await inTransaction(db, async (tx) => {
      const turnedOff = await setWasmToolStatus(tx, row.name, "disabled", {
        reason,
        from: "enabled",
        sha256: row.sha256,
      });
      if (turnedOff)
        await enqueueDelivery(tx, {
          channel: null,
          chatId: null,
          text: `I turned off the installed channel "${row.name}": its stored component no longer matches the SHA-256 recorded when you installed it, so it may have been tampered with. Install it again from a copy you trust (\`ironclaw tools install\`), or remove it (\`ironclaw tools remove ${row.name}\`).`,
          notBefore: now(),
        });
    });
    fail(row.name, `turned off: ${reason}`);
  }

  async function loadOne(row: WasmToolRow, ports: ToolPorts, registry: PluginRegistry): Promise<void> {
    const actual = sha256Hex(row.binary);
    if (actual !== row.sha256) return turnOffTampered(row, actual);
    try {
      const manifest = parseChannelManifest(row.manifest, `the stored manifest of ${row.name}`);
      if (manifest.name !== row.name) throw new Error(`its manifest names "${manifest.name}"`);
      const channel = await runtime.load(
        { name: row.name, component: row.binary, sha256: row.sha256, manifest },
        {
          state: createDatabaseChannelStateStore(db, now),
          http: ports.http,
          secrets: ports.secrets,
          revealSecret: options.revealSecret ?? (async () => undefined),
          workspace: ports.workspace,
          log: log.child({ channel: row.name }),
          now,
        },
      );
      if (channel.id !== row.name) throw new Error(`the runtime loaded it as "${channel.id}"`);
      registry.addChannel(channel, manifest.ownerId === undefined ? {} : { ownerId: manifest.ownerId });
      loaded.push(row.name);
      log.info("installed channel loaded", {
        channel: row.name,
        version: row.version,
        owner: manifest.ownerId === undefined ? "pairing" : "configured",
      });
    } catch (error) {
      fail(row.name, `failed to load: ${describeError(error)}`);
    }
  }

  return {
    /**
     * Loads every enabled channel row and registers it; a failure is contained per channel.
     * Called once, while the host is built (after its tool ports exist, before channels start).
     */
    async register(registry: PluginRegistry, ports: ToolPorts): Promise<void> {
      const rows = (await listWasmTools(db)).filter(
        (row) => row.kind === "channel" && row.status === "enabled",
      );
      for (const summary of rows) {
        const row = await getWasmTool(db, summary.name);
        if (row?.status === "enabled" && row.kind === "channel") await loadOne(row, ports, registry);
      }
    },
    /** Channels that did not load at this start, by registered name (for `/readyz`). */
    failures(): Record<string, ChannelHealth> {
      return Object.fromEntries(failures);
    },
    loadedNames(): string[] {
      return [...loaded];
    },
    /** Stops the runtime's Workers (after the host stopped the channels). */
    close(): Promise<void> {
      return runtime.close();
    },
  };
}
