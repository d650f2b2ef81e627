/**
 * Builds the installed-tool set (and the installed-channel set) a host runs with: the WASM
 * runtimes cache prepared components in
 * IRONCLAW_HOME/cache/wasm, its index authenticated with a key derived from the approvals'
 * fingerprint key (so a cache entry written by someone else is refused, and the key never sits
 * next to the cache). A runtime (jco glue, binaryen) is imported on its first load, so an
 * assistant with no installed tools or channels does not pay for it at start.
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { loadFingerprintKey } from "../approvals/fingerprint.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { WasmChannelRuntime, WasmToolRuntime } from "../plugin/wasm/contract.ts";
import { hostToolNames } from "./host-tool-names.ts";
import { createInstalledTools, type InstalledTools } from "./installed-tools.ts";
import { createWasmChannelSet, type WasmChannelSet } from "./wasm-channels.ts";

/** A runtime that is created on its first `load`; `unload`/`close` before that do nothing. */
export function createLazyWasmRuntime(create: () => Promise<WasmToolRuntime>): WasmToolRuntime {
  let runtime: Promise<WasmToolRuntime> | undefined;
  return {
    load(artifact) {
      runtime ??= create();
      return runtime.then((ready) => ready.load(artifact));
    },
    async unload(name) {
      if (runtime) await (await runtime).unload(name);
    },
    async close() {
      if (runtime) await (await runtime).close();
    },
  };
}

export interface InstalledToolSetOptions {
  home: string;
  db: Database;
  log: Logger;
  now?: () => Date;
}

/**
 * Where prepared components are cached, and the key that authenticates the cache's index. Tools
 * and channels keep separate folders, so two runtimes never write one index.
 */
async function cacheOptions(options: InstalledToolSetOptions, folder: "wasm" | "wasm-channels") {
  const fingerprintKey = await loadFingerprintKey(options.db);
  const cacheKey = createHmac("sha256", fingerprintKey).update("ironclaw wasm cache index").digest();
  return { cacheDir: join(options.home, "cache", folder), cacheKey };
}

export function createInstalledToolSet(options: InstalledToolSetOptions): InstalledTools {
  const log = options.log.child({ component: "wasm" });
  const runtime = createLazyWasmRuntime(async () => {
    const { createWasmToolRuntime } = await import("../plugin/wasm/index.ts");
    return createWasmToolRuntime({ ...(await cacheOptions(options, "wasm")), log });
  });
  return createInstalledTools({
    db: options.db,
    runtime,
    log,
    reservedNames: hostToolNames(),
    now: options.now,
  });
}

/** A channel runtime created on its first `load`; `close` before that does nothing. */
export function createLazyWasmChannelRuntime(create: () => Promise<WasmChannelRuntime>): WasmChannelRuntime {
  let runtime: Promise<WasmChannelRuntime> | undefined;
  return {
    load(artifact, bindings) {
      runtime ??= create();
      return runtime.then((ready) => ready.load(artifact, bindings));
    },
    async close() {
      if (runtime) await (await runtime).close();
    },
  };
}

export interface InstalledChannelSetOptions extends InstalledToolSetOptions {
  /** The secret store's `reveal`, for webhook verification on the host. */
  revealSecret?: (name: string) => Promise<string | undefined>;
}

export function createInstalledChannelSet(options: InstalledChannelSetOptions): WasmChannelSet {
  const log = options.log.child({ component: "wasm-channels" });
  const runtime = createLazyWasmChannelRuntime(async () => {
    const { createWasmChannelRuntime } = await import("../plugin/wasm/channel-host.ts");
    return createWasmChannelRuntime({ ...(await cacheOptions(options, "wasm-channels")), log });
  });
  return createWasmChannelSet({
    db: options.db,
    runtime,
    log,
    revealSecret: options.revealSecret,
    now: options.now,
  });
}
