/**
 * The owner's installed WASM tools in a running host: loaded at start, kept in step with the
 * database while the host runs. Every load first checks the stored bytes against the SHA-256
 * recorded at install and parses the stored manifest again; a mismatch, a manifest that no longer
 * parses, a name that is now one of the host's own, or a runtime that cannot load the component
 * turns *that* tool off (with the reason in its row), logs a warning and queues one message for
 * the owner, in the same transaction as the status change, so they are told exactly once even
 * with several processes. The other tools keep working.
 *
 * A change made elsewhere (`ironclaw tools install` in another process) arrives on the change
 * feed (`wasm_tools`); the set is then reconciled by name and hash, so the next LLM call offers
 * the new tool, and a removed or disabled one is gone from it.
 */

import type { ChangeFeed } from "../db/change-feed.ts";
import type { Database } from "../db/client.ts";
import { enqueueDelivery } from "../db/routines.ts";
import { inTransaction } from "../db/transaction.ts";
import { getWasmTool, listWasmTools, setWasmToolStatus, type WasmToolRow } from "../db/wasm-tools.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Tool } from "../plugin/tool.ts";
import type { WasmToolRuntime } from "../plugin/wasm/contract.ts";
import { sha256Hex } from "../plugin/wasm/install.ts";
import { parseToolManifest } from "../plugin/wasm/manifest.ts";

/** Where loaded tools go while the host runs (the registry and the tool runner). */
export interface InstalledToolTarget {
  putTool(tool: Tool): void;
  removeTool(name: string): void;
}

export interface InstalledToolsOptions {
  db: Database;
  runtime: WasmToolRuntime;
  log: Logger;
  /** The host's own tool names: a row that takes one is turned off, never loaded. */
  reservedNames: ReadonlySet<string>;
  now?: () => Date;
}

interface LoadedTool {
  readonly sha256: string;
  readonly version: number;
  readonly tool: Tool;
}

export type InstalledTools = ReturnType<typeof createInstalledTools>;

export function createInstalledTools(options: InstalledToolsOptions) {
  const { db, runtime, log } = options;
  const now = options.now ?? (() => new Date());
  const loaded = new Map<string, LoadedTool>();
  let target: InstalledToolTarget | undefined;
  let onOwnerNotice: (() => void) | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  /** Turns the tool off unless someone already did; the owner hears about it once. */
  async function turnOff(row: WasmToolRow, reason: string, ownerText: string): Promise<void> {
    const changed = await inTransaction(db, async (tx) => {
      const turnedOff = await setWasmToolStatus(tx, row.name, "disabled", {
        reason,
        from: "enabled",
        sha256: row.sha256,
      });
      if (turnedOff)
        await enqueueDelivery(tx, { channel: null, chatId: null, text: ownerText, notBefore: now() });
      return turnedOff;
    });
    log.warn("installed tool turned off", { tool: row.name, version: row.version, reason });
    if (changed) onOwnerNotice?.();
  }

  /** Verifies and loads one row; undefined when it was turned off instead. */
  async function prepare(row: WasmToolRow): Promise<Tool | undefined> {
    const actual = sha256Hex(row.binary);
    if (actual !== row.sha256) {
      await turnOff(
        row,
        `hash mismatch: the stored component hashes to ${actual}, not the ${row.sha256} recorded at install`,
        `I turned off the installed tool "${row.name}": its stored component no longer matches the SHA-256 recorded when you installed it, so it may have been tampered with. Install it again from a copy you trust (\`ironclaw tools install\`), or remove it (\`ironclaw tools remove ${row.name}\`).`,
      );
      return undefined;
    }
    const failed = (reason: string) =>
      turnOff(
        row,
        reason,
        `I turned off the installed tool "${row.name}": ${reason}. \`ironclaw tools enable ${row.name}\` tries again.`,
      );
    if (options.reservedNames.has(row.name)) {
      await failed(`its name is one of IronClaw's own tools`);
      return undefined;
    }
    try {
      const manifest = parseToolManifest(row.manifest, `the stored manifest of ${row.name}`);
      if (manifest.name !== row.name) throw new Error(`its manifest names "${manifest.name}"`);
      const tool = await runtime.load({
        name: row.name,
        component: row.binary,
        sha256: row.sha256,
        manifest,
      });
      if (tool.name !== row.name) throw new Error(`the runtime loaded it as "${tool.name}"`);
      return tool;
    } catch (error) {
      await failed(`it could not be loaded (${describeError(error)})`);
      return undefined;
    }
  }

  async function unload(name: string): Promise<void> {
    loaded.delete(name);
    target?.removeTool(name);
    await runtime
      .unload(name)
      .catch((error: unknown) => log.warn("could not stop a tool", { tool: name, error }));
  }

  /** Brings the loaded set in line with the enabled tool rows (by name, version and hash). */
  async function reconcile(): Promise<void> {
    // Channel rows share the table; they are loaded by wasm-channels.ts at start, never as tools.
    const wanted = new Map(
      (await listWasmTools(db))
        .filter((row) => row.status === "enabled" && row.kind === "tool")
        .map((row) => [row.name, row]),
    );
    for (const [name, current] of [...loaded]) {
      const row = wanted.get(name);
      if (!row || row.sha256 !== current.sha256 || row.version !== current.version) await unload(name);
    }
    for (const summary of wanted.values()) {
      if (loaded.has(summary.name) || closed) continue;
      const row = await getWasmTool(db, summary.name);
      if (row?.status !== "enabled" || row.kind !== "tool") continue;
      const tool = await prepare(row);
      if (!tool) continue;
      loaded.set(row.name, { sha256: row.sha256, version: row.version, tool });
      try {
        target?.putTool(tool);
        log.info("installed tool loaded", { tool: row.name, version: row.version });
      } catch (error) {
        // The registry refused it (its name was taken meanwhile): off, like any load failure.
        await unload(row.name);
        const reason = `it could not be registered (${describeError(error)})`;
        await turnOff(row, reason, `I turned off the installed tool "${row.name}": ${reason}.`);
      }
    }
  }

  /** Runs one reconcile at a time; changes during a run cause exactly one more. */
  function schedule(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await reconcile().catch((error: unknown) => log.error("could not update installed tools", { error }));
      } while (again && !closed);
      running = undefined;
    })();
    return running;
  }

  return {
    /** Loads every enabled tool (before the host is built); the tools to register. */
    async loadAll(): Promise<Tool[]> {
      await reconcile();
      return [...loaded.values()].map((entry) => entry.tool);
    },
    /**
     * From now on, changes go to `into` and the change feed triggers a reconcile; `noticeQueued`
     * runs after a message for the owner was queued (the host pokes its scheduler to send it).
     */
    attach(into: InstalledToolTarget, changes: ChangeFeed, noticeQueued?: () => void): void {
      target = into;
      onOwnerNotice = noticeQueued;
      changes.onChange("wasm_tools", () => {
        if (!closed) void schedule();
      });
    },
    /** Reconciles now (tests; the change feed calls it otherwise). */
    sync: schedule,
    loadedNames(): string[] {
      return [...loaded.keys()];
    },
    async close(): Promise<void> {
      closed = true;
      await running;
      await runtime.close();
    },
  };
}
