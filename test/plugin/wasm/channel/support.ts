/**
 * Helpers for the WASM channel tests: a deny-all channel manifest with overrides, an artifact
 * built from guest source (world "channel", cached like tool guests), a runtime over a fresh
 * cache folder, a store and a ChannelHost that keep what they are given, and a fake chat
 * platform at the network edge (the host's real HTTP port with a fake `fetch` and name lookup).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../../../src/log.ts";
import type { ApprovalAction, ChannelHost, InboundMessage } from "../../../../src/plugin/channel.ts";
import { createToolPorts } from "../../../../src/plugin/ports/index.ts";
import type { BackOffPolicy } from "../../../../src/plugin/wasm/channel/callback-health.ts";
import { createWasmChannelRuntime } from "../../../../src/plugin/wasm/channel-host.ts";
import {
  type ChannelStateStore,
  defaultPluginLimits,
  type PluginLimits,
  type WasmChannelArtifact,
  type WasmChannelBindings,
  type WasmChannelManifest,
} from "../../../../src/plugin/wasm/contract.ts";
import { buildTestGuest } from "../support/build-guest.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { createRecordingLogger } from "../support/runtime.ts";
import { scriptedGuestSource } from "./scripted-guest.ts";

export const platformBase = "https://chat.example.test";

export type ChannelManifestOverrides = Partial<Omit<WasmChannelManifest, "limits">> & {
  limits?: Partial<PluginLimits>;
};

export function channelManifest(name: string, overrides: ChannelManifestOverrides = {}): WasmChannelManifest {
  return {
    kind: "channel",
    name,
    description: "a test channel",
    http: { allowlist: [{ host: "chat.example.test", pathPrefix: "/", methods: ["GET", "POST"] }] },
    credentials: [],
    secrets: { allowedNames: [] },
    workspace: { readPrefixes: [] },
    emits: { perCallback: 20, perMinute: 120 },
    config: { base: platformBase, pollIntervalMs: 1_000 },
    polling: { minIntervalMs: 1_000, timeoutMs: 5_000 },
    ...overrides,
    limits: { ...defaultPluginLimits, timeoutMs: 2_000, ...overrides.limits },
  };
}

export async function channelArtifact(
  name: string,
  overrides: ChannelManifestOverrides = {},
  source = scriptedGuestSource,
): Promise<WasmChannelArtifact> {
  const component = await buildTestGuest(source, { world: "channel" });
  return {
    name,
    component,
    sha256: createHash("sha256").update(component).digest("hex"),
    manifest: channelManifest(name, overrides),
  };
}

/** A store in memory, namespaced like the database one; `values(channel)` for assertions. */
export function createMemoryStateStore() {
  const namespaces = new Map<string, Map<string, string>>();
  const space = (channel: string) => {
    const known = namespaces.get(channel);
    if (known) return known;
    const values = new Map<string, string>();
    namespaces.set(channel, values);
    return values;
  };
  const store: ChannelStateStore & { values: (channel: string) => Map<string, string> } = {
    async read(channel, key) {
      return space(channel).get(key);
    },
    async apply(channel, writes) {
      const values = space(channel);
      for (const [key, value] of writes) {
        if (value === null) values.delete(key);
        else values.set(key, value);
      }
    },
    values: space,
  };
  return store;
}

/** A ChannelHost that records what it is handed (the registry's stamping is tested elsewhere). */
export function createRecordingHost(log: Logger) {
  const messages: InboundMessage[] = [];
  const actions: ApprovalAction[] = [];
  const host: ChannelHost = {
    log,
    async onMessage(message) {
      messages.push(message);
    },
    async onAction(action) {
      actions.push(action);
      return { ok: true, notice: "decided" };
    },
  };
  return { host, messages, actions };
}

export interface PlatformRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** The chat platform at the network edge: `updates` are served on the next poll. */
export function createFakePlatform() {
  const requests: PlatformRequest[] = [];
  const pending: Record<string, unknown>[] = [];
  let sequence = 0;
  let sent = 0;
  const control = { hangUpdates: false, aborted: 0, slowDownSends: 0 };
  const { fetch } = createRecordingFetch(async (url, init) => {
    const body = typeof init.body === "string" && init.body !== "" ? JSON.parse(init.body) : {};
    requests.push({ method: String(init.method ?? "GET"), path: url.pathname, body });
    if (url.pathname === "/updates" && control.hangUpdates) {
      // A long-poll that holds until the host gives up on it.
      await new Promise<void>((resolve) => {
        init.signal?.addEventListener("abort", () => {
          control.aborted += 1;
          resolve();
        });
      });
      throw new DOMException("aborted", "AbortError");
    }
    if (url.pathname === "/updates") {
      const updates = pending.splice(0);
      sequence += updates.length;
      return Response.json({ updates, next: String(sequence) });
    }
    if (url.pathname === "/send" && control.slowDownSends > 0) {
      control.slowDownSends -= 1;
      return Response.json({ retryAfterMs: 50 }, { status: 429 });
    }
    if (url.pathname === "/send" || url.pathname === "/approval")
      return Response.json({ messageId: `sent-${++sent}` });
    return Response.json({ ok: true });
  });
  const ports = createToolPorts({ fetch, lookup: fakeLookup() });
  return {
    http: ports.http,
    requests,
    control,
    /** Somebody writes on the platform; the next poll brings it. */
    say(update: {
      id: string;
      chat: string;
      from: string;
      text?: string;
      name?: string;
      approvalId?: string;
      decision?: string;
    }) {
      pending.push(update);
    },
  };
}

export interface ChannelTestKit {
  readonly runtime: ReturnType<typeof createWasmChannelRuntime>;
  readonly state: ReturnType<typeof createMemoryStateStore>;
  readonly platform: ReturnType<typeof createFakePlatform>;
  readonly log: Logger;
  readonly lines: ReturnType<typeof createRecordingLogger>["lines"];
  bindings(overrides?: Partial<WasmChannelBindings>): WasmChannelBindings;
  close(): Promise<void>;
}

/** Back-off short enough for a test to see several failures. */
export const quickBackOff: BackOffPolicy = { baseMs: 50, capMs: 200, refuseAfter: 5, unhealthyAfter: 3 };

export function createChannelTestKit(
  secrets: Record<string, string> = {},
  options: { backOff?: BackOffPolicy } = {},
): ChannelTestKit {
  const cacheDir = mkdtempSync(join(tmpdir(), "ironclaw-wasm-channel-"));
  const { log, lines } = createRecordingLogger();
  const runtime = createWasmChannelRuntime({
    cacheDir,
    cacheKey: randomBytes(32),
    log,
    graceMs: 500,
    ...options,
  });
  const state = createMemoryStateStore();
  const platform = createFakePlatform();
  return {
    runtime,
    state,
    platform,
    log,
    lines,
    bindings: (overrides = {}) => ({
      state,
      http: platform.http,
      secrets: { exists: async (name) => name in secrets },
      revealSecret: async (name) => secrets[name],
      log,
      ...overrides,
    }),
    async close() {
      await runtime.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` holds (polling every 20 ms), failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("the condition did not hold in time");
    await Bun.sleep(20);
  }
}
