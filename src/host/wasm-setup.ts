/**
 * Builds the installed-tool set a host runs with: the WASM runtime caches prepared components in
 * IRONCLAW_HOME/cache/wasm, its index authenticated with a key derived from the approvals'
 * fingerprint key (so a cache entry written by someone else is refused, and the key never sits
 * next to the cache). The runtime (jco glue, binaryen) is imported on the first load, so an
 * assistant with no installed tools does not pay for it at start.
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { loadFingerprintKey } from "../approvals/fingerprint.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { WasmToolRuntime } from "../plugin/wasm/contract.ts";
import { hostToolNames } from "./host-tool-names.ts";
import { createInstalledTools, type InstalledTools } from "./installed-tools.ts";

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

export function createInstalledToolSet(options: InstalledToolSetOptions): InstalledTools {
  const log = options.log.child({ component: "wasm" });
  const runtime = createLazyWasmRuntime(async () => {
    const { createWasmToolRuntime } = await import("../plugin/wasm/index.ts");
    const fingerprintKey = await loadFingerprintKey(options.db);
    const cacheKey = createHmac("sha256", fingerprintKey).update("ironclaw wasm cache index").digest();
    return createWasmToolRuntime({ cacheDir: join(options.home, "cache", "wasm"), cacheKey, log });
  });
  return createInstalledTools({
    db: options.db,
    runtime,
    log,
    reservedNames: hostToolNames(),
    now: options.now,
  });
}
