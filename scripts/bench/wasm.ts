/**
 * WASM tool runtime benchmark: what a componentize-qjs tool costs the host.
 *   - prepare: transpile + meter + cap + compile + Worker start, cold (empty cache, fresh
 *     process) and cached (a second runtime over the same cache folder);
 *   - calls: the first call, warm calls (spaced, so the next instance is ready) p50/p99, the
 *     guest's own `execute` run in-process on the same prepared modules, and the difference (the
 *     sandbox's overhead: Worker round trip + fresh instance handover); back-to-back calls per
 *     second (each waits for the next instance);
 *   - memory: RSS after loading one tool, then five more of the same kind (other components).
 * Numbers only; nothing is asserted.
 *
 *   bun scripts/bench/wasm.ts [warmCalls=300] [spacingMs=30]
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { componentize } from "componentize-qjs";
import { silentLogger } from "../../src/log.ts";
import { defaultPluginLimits, type WasmToolArtifact } from "../../src/plugin/wasm/contract.ts";
import { createWasmToolRuntime } from "../../src/plugin/wasm/index.ts";
import { prepareComponent } from "../../src/plugin/wasm/runtime/prepare.ts";
import { createStopFlag } from "../../src/plugin/wasm/runtime/stop-flag.ts";
import { createTestToolContext } from "../../test/support/tool-context.ts";

const warmCalls = Number(process.argv[2] ?? 300);
/** Gap between warm calls, so the Worker has made the next instance (it takes ~5-20 ms). */
const spacingMs = Number(process.argv[3] ?? 30);
const witPath = join(import.meta.dir, "..", "..", "tools", "wit", "plugin.wit");

function guestSource(variant: number): string {
  return `
export function description() { return "bench tool ${variant}: sums numbers"; }
export function schema() { return JSON.stringify({ type: "object", properties: { numbers: { type: "array" } } }); }
export function execute(paramsJson) {
  const { numbers } = JSON.parse(paramsJson);
  let total = 0;
  for (const n of numbers) total += n;
  return JSON.stringify({ total, variant: ${variant} });
}`;
}

async function artifact(variant: number): Promise<WasmToolArtifact> {
  const { component } = await componentize({
    witPath,
    jsSource: guestSource(variant),
    world: "tool",
    stubWasi: true,
    sync: true,
  });
  const bytes = new Uint8Array(component);
  const name = `bench_${variant}`;
  return {
    name,
    component: bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    manifest: {
      kind: "tool",
      name,
      description: "",
      risk: "read",
      approval: "never",
      http: { allowlist: [] },
      credentials: [],
      secrets: { allowedNames: [] },
      workspace: { readPrefixes: [] },
      limits: defaultPluginLimits,
    },
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};
const ms = (value: number) => `${value.toFixed(3)} ms`;
const mb = () => process.memoryUsage().rss / 1024 / 1024;
const params = { numbers: Array.from({ length: 50 }, (_, index) => index) };

/** The guest's own work: the same prepared component instantiated in-process, execute only. */
async function inProcessExecute(
  tool: WasmToolArtifact,
): Promise<{ execute: number[]; instantiate: number[]; firstExecute: number[] }> {
  const prepared = await prepareComponent(tool.component, tool.manifest.limits.memoryMiB);
  const url = `data:text/javascript;base64,${Buffer.from(prepared.glue).toString("base64")}`;
  const { instantiate } = await import(url);
  const modules = new Map<string, WebAssembly.Module>();
  for (const [name, bytes] of prepared.modules) modules.set(name, new WebAssembly.Module(bytes));
  const deny = () => ({ tag: "err", val: "denied" });
  const host = {
    log() {},
    nowMillis: () => BigInt(Date.now()),
    randomBytes: () => new Uint8Array(),
    workspaceRead: deny,
    secretExists: () => false,
    httpRequest: () => ({ tag: "err", val: { kind: "network-denied", message: "" } }),
  };
  const stop = createStopFlag();
  const fresh = () =>
    instantiate(
      (name: string) => modules.get(name),
      { "ironclaw:plugin/host": host, "ironclaw:plugin/tool-types": {} },
      (module: WebAssembly.Module, imports: Record<string, unknown>) =>
        new WebAssembly.Instance(module, { ...imports, "ironclaw:meter": { stop } }),
    );
  const json = JSON.stringify(params);
  const instantiateSamples: number[] = [];
  const firstExecuteSamples: number[] = [];
  for (let index = 0; index < 30; index += 1) {
    const started = performance.now();
    const instance = fresh();
    instantiateSamples.push(performance.now() - started);
    const executeStarted = performance.now();
    instance.execute(json, "{}");
    firstExecuteSamples.push(performance.now() - executeStarted);
  }
  const exports = fresh();
  const samples: number[] = [];
  for (let index = 0; index < warmCalls; index += 1) {
    const started = performance.now();
    exports.execute(json, "{}");
    samples.push(performance.now() - started);
  }
  return { execute: samples, instantiate: instantiateSamples, firstExecute: firstExecuteSamples };
}

const builds = await Promise.all([0, 1, 2, 3, 4, 5].map((variant) => artifact(variant)));
const first = builds[0] as WasmToolArtifact;
const cacheDir = mkdtempSync(join(tmpdir(), "ironclaw-bench-wasm-"));
const cacheKey = new Uint8Array(randomBytes(32));

const rssStart = mb();
let runtime = createWasmToolRuntime({ cacheDir, cacheKey, log: silentLogger });
let started = performance.now();
await runtime.load(first);
const coldPrepare = performance.now() - started;
await runtime.close();

runtime = createWasmToolRuntime({ cacheDir, cacheKey, log: silentLogger });
started = performance.now();
const tool = await runtime.load(first);
const cachedPrepare = performance.now() - started;

const context = createTestToolContext();
started = performance.now();
await tool.execute(params, context);
const coldCall = performance.now() - started;

const warm: number[] = [];
for (let index = 0; index < warmCalls; index += 1) {
  await Bun.sleep(spacingMs);
  const callStarted = performance.now();
  await tool.execute(params, context);
  warm.push(performance.now() - callStarted);
}
const burstStarted = performance.now();
for (let index = 0; index < warmCalls; index += 1) await tool.execute(params, context);
const callsPerSecond = warmCalls / ((performance.now() - burstStarted) / 1000);
const guest = await inProcessExecute(first);

Bun.gc(true);
await Bun.sleep(200);
const rssOne = mb();
const loadTimes: number[] = [];
for (const other of builds.slice(1)) {
  const loadStarted = performance.now();
  const loaded = await runtime.load(other);
  loadTimes.push(performance.now() - loadStarted);
  await loaded.execute(params, context);
}
Bun.gc(true);
await Bun.sleep(200);
const rssSix = mb();
await runtime.close();
rmSync(cacheDir, { recursive: true, force: true });

console.log("WASM tool runtime (componentize-qjs guest, Bun", Bun.version, ")");
console.log(`prepare + start, cold (empty cache):   ${ms(coldPrepare)}`);
console.log(`prepare + start, cached (new runtime): ${ms(cachedPrepare)}`);
console.log(`load of another tool of the same kind: median ${ms(percentile(loadTimes, 50))}`);
console.log(`first call:                            ${ms(coldCall)}`);
console.log(
  `warm call (${warmCalls}, spaced ${spacingMs} ms):       p50 ${ms(percentile(warm, 50))}  p99 ${ms(percentile(warm, 99))}`,
);
console.log(
  `guest execute in-process:              p50 ${ms(percentile(guest.execute, 50))}  p99 ${ms(percentile(guest.execute, 99))}`,
);
console.log(
  `sandbox overhead (warm p50 - guest p50): ${ms(percentile(warm, 50) - percentile(guest.execute, 50))}`,
);
console.log(`fresh instance in-process:             p50 ${ms(percentile(guest.instantiate, 50))}`);
console.log(`guest execute on a fresh instance:      p50 ${ms(percentile(guest.firstExecute, 50))}`);
console.log(
  `sandbox overhead over that (warm p50 - it): ${ms(percentile(warm, 50) - percentile(guest.firstExecute, 50))}`,
);
console.log(`back-to-back calls per second:         ${callsPerSecond.toFixed(0)}`);
console.log(
  `RSS: start ${rssStart.toFixed(0)} MB, one tool ${rssOne.toFixed(0)} MB, six tools ${rssSix.toFixed(0)} MB`,
);
console.log(`RSS per tool after the first:          ${((rssSix - rssOne) / 5).toFixed(1)} MB`);
