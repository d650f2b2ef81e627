/**
 * WASM channel runtime benchmark: what a channel plugin costs the host, on a tiny test channel
 * built by the production builder (author API "ironclaw:channel") and run by the real runtime.
 *   - webhook: a signed POST (HMAC-SHA256, verified by the host in constant time) → guest
 *     `onHttpRequest` → response, through `channel.handleHttp`, p50/p99 over spaced requests;
 *   - poll: one poll cycle's host overhead — the gap between the platform answering poll N and
 *     poll N+1 arriving, less the poll interval: the guest's return, the state write (PGlite),
 *     the fresh instance and the guest's start, the host's HTTP port (checks, pinning);
 *   - memory: RSS with 0, 1 and 4 channels loaded and started (two Workers each: callbacks, poll),
 *     in a fresh process with an in-memory state store (PGlite's own ~450 MB would drown it).
 * The platform is a local server reached through the host's HTTP port (its name routed to
 * loopback, as the tests do). Numbers only; nothing is asserted.
 *
 *   bun scripts/bench/wasm-channel.ts [webhooks=300] [pollCycles=12]
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabaseChannelStateStore } from "../../src/db/wasm-channel-state.ts";
import { silentLogger } from "../../src/log.ts";
import type { Channel, ChannelHost } from "../../src/plugin/channel.ts";
import { createToolPorts } from "../../src/plugin/ports/index.ts";
import { buildWasmChannel } from "../../src/plugin/wasm/build/index.ts";
import { createWasmChannelRuntime } from "../../src/plugin/wasm/channel-host.ts";
import type { ChannelStateStore, WasmChannelArtifact } from "../../src/plugin/wasm/contract.ts";
import { parseChannelManifest } from "../../src/plugin/wasm/manifest-channel.ts";
import { openBenchDatabase } from "./support.ts";

/** `--rss <component file>`: the memory part, in a fresh process (the build's memory would skew it). */
const rssMode = process.argv[2] === "--rss";
const webhookCount = rssMode ? 0 : Number(process.argv[2] ?? 300);
const pollCycles = rssMode ? 0 : Number(process.argv[3] ?? 12);
const hookSecret = "bench-webhook-signing-secret-0123456789";
const platformHost = "platform.example";
const platformWaitMs = 50;

const guestSource = `
import { http, state } from "ironclaw:channel";
export function onStart() {
  return { webhooks: [{ path: "/hook", methods: ["POST"] }], pollIntervalMs: 1000 };
}
export function onHttpRequest(request) {
  const event = request.json();
  return { status: 200, body: { ok: true, n: event.n } };
}
export function onPoll() {
  const page = http.get("https://${platformHost}/updates?since=" + (state.get("cursor") ?? "0")).json();
  state.set("cursor", String(page.next));
}
export function onRespond(message) {
  return { chatId: message.chatId, messageId: "1" };
}`;

function manifestFor(name: string) {
  return parseChannelManifest(
    {
      kind: "channel",
      name,
      http: { allowlist: [{ host: platformHost, path_prefix: "/updates", methods: ["GET"] }] },
      secrets: { allowed_names: ["bench_hook"] },
      webhook: {
        verification: {
          type: "hmac-sha256",
          secret: "bench_hook",
          signature_header: "x-signature",
          signature_prefix: "v0=",
          timestamp_header: "x-timestamp",
          signed_template: "v0:{timestamp}:{body}",
        },
      },
      polling: { min_interval_ms: 1000, timeout_ms: 10_000 },
    },
    `${name}.capabilities.json`,
  );
}

/** The platform: answers each poll after `platformWaitMs`, recording when polls came and went. */
const polls: { arrived: number; answered: number }[] = [];
let next = 0;
const platform = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch() {
    const arrived = performance.now();
    await Bun.sleep(platformWaitMs);
    next += 1;
    const response = Response.json({ next });
    polls.push({ arrived, answered: performance.now() });
    return response;
  },
});

// The memory part keeps state in a Map: PGlite alone is ~450 MB of RSS and its noise would hide
// a channel's own cost (the state store is the host's, shared by every channel, anyway).
const database = rssMode ? undefined : await openBenchDatabase();
const memoryState = new Map<string, string>();
const stateStore: ChannelStateStore = database
  ? createDatabaseChannelStateStore(database.db)
  : {
      read: async (channel, key) => memoryState.get(`${channel} ${key}`),
      apply: async (channel, writes) => {
        for (const [key, value] of writes) {
          if (value === null) memoryState.delete(`${channel} ${key}`);
          else memoryState.set(`${channel} ${key}`, value);
        }
      },
    };
const ports = createToolPorts({
  fetch: (url, init) => fetch(`http://127.0.0.1:${platform.port}${url.pathname}${url.search}`, init),
  lookup: async () => [{ address: "93.184.216.34", family: 4 }],
});
const cacheDir = mkdtempSync(join(tmpdir(), "ironclaw-bench-channel-"));
const runtime = createWasmChannelRuntime({
  cacheDir,
  cacheKey: new Uint8Array(32).fill(3),
  log: silentLogger,
});
const host: ChannelHost = {
  log: silentLogger,
  onMessage: async () => {},
  onAction: async () => ({ ok: true, notice: "" }),
};

async function buildComponent(): Promise<{ component: Uint8Array; sha256: string }> {
  if (rssMode) {
    const component = new Uint8Array(await Bun.file(process.argv[3] ?? "").arrayBuffer());
    return { component, sha256: new Bun.CryptoHasher("sha256").update(component).digest("hex") };
  }
  const result = await buildWasmChannel({ source: guestSource, language: "js" });
  if (!result.ok) throw new Error(`the bench channel does not build: ${result.error}`);
  return result;
}
const built = await buildComponent();

async function startChannel(name: string): Promise<Channel> {
  const artifact: WasmChannelArtifact = {
    name,
    component: built.component,
    sha256: built.sha256,
    manifest: manifestFor(name),
  };
  const channel = await runtime.load(artifact, {
    state: stateStore,
    http: ports.http,
    secrets: ports.secrets,
    revealSecret: async (secret) => (secret === "bench_hook" ? hookSecret : undefined),
    log: silentLogger,
  });
  await channel.start(host);
  return channel;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};
const ms = (value: number) => `${value.toFixed(2)} ms`;
const rss = () => process.memoryUsage().rss / 1024 / 1024;

function signedRequest(n: number): Request {
  const body = JSON.stringify({ n });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", hookSecret).update(`v0:${timestamp}:${body}`).digest("hex");
  return new Request("http://127.0.0.1/channels/bench-1/hook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-timestamp": timestamp,
      "x-signature": `v0=${signature}`,
    },
    body,
  });
}

async function measureMemory(): Promise<void> {
  Bun.gc(true);
  const empty = rss();
  await startChannel("bench-1");
  await Bun.sleep(1500);
  Bun.gc(true);
  const one = rss();
  for (const name of ["bench-2", "bench-3", "bench-4"]) await startChannel(name);
  await Bun.sleep(1500);
  Bun.gc(true);
  console.log(JSON.stringify({ empty, one, four: rss() }));
}

async function measureCalls(): Promise<void> {
  const channel = await startChannel("bench-1");
  // Webhooks: spaced so the next fresh instance is ready (as between real deliveries).
  const times: number[] = [];
  for (let index = 0; index <= webhookCount; index++) {
    const started = performance.now();
    const response = await channel.handleHttp?.(signedRequest(index), "/hook");
    times.push(performance.now() - started);
    if (response?.status !== 200) throw new Error(`webhook answered ${response?.status}`);
    await response.arrayBuffer();
    await Bun.sleep(20);
  }
  const firstCall = times.shift() ?? 0;
  const forged = await channel.handleHttp?.(
    new Request("http://127.0.0.1/channels/bench-1/hook", { method: "POST", body: "{}" }),
    "/hook",
  );
  // Polls: let `pollCycles` + 1 cycles run, then take the gaps between them.
  while (polls.length < pollCycles + 1) await Bun.sleep(50);
  const overheads = polls.slice(1).map((poll, index) => poll.arrived - (polls[index]?.answered ?? 0) - 1000);

  const file = join(cacheDir, "bench-channel.wasm");
  await Bun.write(file, built.component);
  const child = Bun.spawnSync([process.execPath, import.meta.path, "--rss", file], { stderr: "inherit" });
  const memory = JSON.parse(child.stdout.toString().trim().split("\n").at(-1) ?? "{}") as Record<
    string,
    number
  >;
  const [empty = 0, one = 0, four = 0] = [memory.empty, memory.one, memory.four];

  console.log("WASM channel runtime (componentize-qjs guest, real runtime and HTTP port, PGlite state)");
  console.log(`component: ${(built.component.length / 1024 / 1024).toFixed(2)} MB`);
  console.log(
    `webhook → verify (HMAC) → onHttpRequest → response, ${webhookCount} spaced: p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))} (first ${ms(firstCall)})`,
  );
  console.log(`  an unsigned request: ${forged?.status} (before any guest code)`);
  console.log(
    `poll cycle host overhead (platform answer → next poll arrives, less the 1000 ms interval), ${overheads.length} cycles: p50 ${ms(percentile(overheads, 50))}, max ${ms(Math.max(...overheads))}`,
  );
  console.log(
    `RSS (fresh process): 0 channels ${empty.toFixed(0)} MB, 1 channel ${one.toFixed(0)} MB (+${(one - empty).toFixed(0)}), 4 channels ${four.toFixed(0)} MB (+${((four - one) / 3).toFixed(1)} MB per further channel)`,
  );
}

await (rssMode ? measureMemory() : measureCalls());
await runtime.close();
await platform.stop(true);
await database?.close();
rmSync(cacheDir, { recursive: true, force: true });
