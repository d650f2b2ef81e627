/**
 * Test helpers for the WASM runtime: a deny-all manifest with overrides, an artifact from guest
 * source (built with buildTestGuest), and a runtime over a fresh temporary cache folder that is
 * removed (and every Worker stopped) by `close()`.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type Logger } from "../../../../src/log.ts";
import {
  defaultPluginLimits,
  type PluginLimits,
  type WasmToolArtifact,
  type WasmToolManifest,
  type WasmToolRuntime,
} from "../../../../src/plugin/wasm/contract.ts";
import { createWasmToolRuntime, type WasmToolRuntimeOptions } from "../../../../src/plugin/wasm/index.ts";
import { buildTestGuest } from "./build-guest.ts";

export type ManifestOverrides = Partial<Omit<WasmToolManifest, "limits">> & {
  limits?: Partial<PluginLimits>;
};

export function testManifest(name: string, overrides: ManifestOverrides = {}): WasmToolManifest {
  return {
    kind: "tool",
    name,
    description: "",
    risk: "read",
    approval: "never",
    http: { allowlist: [] },
    credentials: [],
    secrets: { allowedNames: [] },
    workspace: { readPrefixes: [] },
    ...overrides,
    limits: { ...defaultPluginLimits, ...overrides.limits },
  };
}

export async function testArtifact(
  name: string,
  source: string,
  overrides: ManifestOverrides = {},
): Promise<WasmToolArtifact> {
  const component = await buildTestGuest(source);
  return {
    name,
    component,
    sha256: createHash("sha256").update(component).digest("hex"),
    manifest: testManifest(name, overrides),
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps every line (the host log a guest's `log()` goes to). */
export function createRecordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({
    level: "debug",
    format: "json",
    write: (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const { level, msg, time: _time, ...fields } = parsed;
      lines.push({ level: String(level), message: String(msg), fields });
    },
  });
  return { log, lines };
}

export interface TestRuntime {
  runtime: WasmToolRuntime;
  cacheDir: string;
  cacheKey: Uint8Array;
  log: Logger;
  lines: LogLine[];
  close(): Promise<void>;
}

export function createTestRuntime(options: Partial<WasmToolRuntimeOptions> = {}): TestRuntime {
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), "ironclaw-wasm-cache-"));
  const cacheKey = options.cacheKey ?? new Uint8Array(randomBytes(32));
  const { log, lines } = createRecordingLogger();
  const runtime = createWasmToolRuntime({ cacheDir, cacheKey, log, ...options });
  return {
    runtime,
    cacheDir,
    cacheKey,
    log,
    lines,
    async close() {
      await runtime.close();
      if (!options.cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A runtime with the probe guest loaded under `name` (escape tests attack through it). */
export async function loadProbe(
  name: string,
  overrides: ManifestOverrides = {},
  options: Partial<WasmToolRuntimeOptions> = {},
) {
  const { probeGuestSource } = await import("./probe-guest.ts");
  const harness = createTestRuntime(options);
  const tool = await harness.runtime.load(await testArtifact(name, probeGuestSource, overrides));
  return { harness, tool };
}
