/**
 * The host's installed WASM channels (src/host/wasm-channels.ts), with a runtime that runs no
 * WebAssembly (the channel runtime has its own suites): what is loaded at start, under which
 * owner, with which ports; tampered bytes turn the row off and tell the owner once; a channel that
 * fails to load is off for this start with its reason in the host's health while the host and the
 * other channels carry on; and the installed-tool set never tries to load a channel row.
 */
import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client.ts";
import { routineDeliveries } from "../../src/db/schema/index.ts";
import { getWasmTool, saveWasmToolVersion, setWasmToolStatus } from "../../src/db/wasm-tools.ts";
import { createInstalledTools } from "../../src/host/installed-tools.ts";
import { createWasmChannelSet } from "../../src/host/wasm-channels.ts";
import { silentLogger } from "../../src/log.ts";
import type {
  WasmChannelArtifact,
  WasmChannelBindings,
  WasmChannelRuntime,
} from "../../src/plugin/wasm/contract.ts";
import { sha256Hex } from "../../src/plugin/wasm/install.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { createFakeRuntime } from "../plugin/wasm/support/fake-runtime.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

interface FakeChannelRuntime extends WasmChannelRuntime {
  readonly loads: { artifact: WasmChannelArtifact; bindings: WasmChannelBindings }[];
  readonly channels: Map<string, MemoryChannel>;
  readonly failing: Set<string>;
  closed: boolean;
}

function createFakeChannelRuntime(): FakeChannelRuntime {
  const runtime: FakeChannelRuntime = {
    loads: [],
    channels: new Map(),
    failing: new Set(),
    closed: false,
    async load(artifact, bindings) {
      runtime.loads.push({ artifact, bindings });
      if (runtime.failing.has(artifact.name)) throw new Error(`${artifact.name}: on-start trapped`);
      const channel = new MemoryChannel(artifact.name);
      runtime.channels.set(artifact.name, channel);
      return channel;
    },
    async close() {
      runtime.closed = true;
    },
  };
  return runtime;
}

async function installChannel(db: Database, name: string, manifest: Record<string, unknown> = {}) {
  const binary = new TextEncoder().encode(`channel component of ${name}`);
  return saveWasmToolVersion(db, {
    name,
    binary,
    sha256: sha256Hex(binary),
    manifest: { kind: "channel", name, ...manifest },
  });
}

async function installTool(db: Database, name: string) {
  const binary = new TextEncoder().encode(`tool component of ${name}`);
  return saveWasmToolVersion(db, {
    name,
    binary,
    sha256: sha256Hex(binary),
    manifest: { kind: "tool", name },
  });
}

forEachBackend("installed WASM channels in a host", ({ database }) => {
  test("enabled channel rows load with the host's ports and register under the manifest's owner", async () => {
    const handle = await database();
    await installChannel(handle.db, "chatx", { owner_id: "@owner:example.org", config: { room: "r1" } });
    await installChannel(handle.db, "paired");
    await installChannel(handle.db, "resting");
    await setWasmToolStatus(handle.db, "resting", "disabled", { reason: "disabled by the owner" });
    await installTool(handle.db, "stars");
    const runtime = createFakeChannelRuntime();
    const revealed: string[] = [];
    const wasmChannels = createWasmChannelSet({
      db: handle.db,
      runtime,
      log: silentLogger,
      revealSecret: async (name) => {
        revealed.push(name);
        return "hook-secret";
      },
    });
    const harness = await startHostHarness(handle, { overrides: { wasmChannels } });
    open.push(harness);

    expect(runtime.loads.map((load) => load.artifact.name)).toEqual(["chatx", "paired"]);
    const [chatx] = runtime.loads;
    expect(chatx?.artifact.manifest.config).toEqual({ room: "r1" });
    expect(chatx?.artifact.sha256).toBe(sha256Hex(chatx?.artifact.component ?? new Uint8Array()));
    expect(await chatx?.bindings.revealSecret("chatx_hook")).toBe("hook-secret");
    expect(revealed).toEqual(["chatx_hook"]);
    // The channel's store is its own: what one writes the other does not read.
    await chatx?.bindings.state.apply("chatx", new Map([["cursor", "s42"]]));
    expect(await chatx?.bindings.state.read("chatx", "cursor")).toBe("s42");
    expect(await runtime.loads[1]?.bindings.state.read("paired", "cursor")).toBeUndefined();

    const registrations = harness.host.registry.channels();
    expect(registrations.find((entry) => entry.id === "chatx")?.ownerId).toBe("@owner:example.org");
    expect(registrations.find((entry) => entry.id === "paired")?.ownerId).toBeUndefined();
    expect(Object.keys(harness.host.health())).toEqual(expect.arrayContaining(["chatx", "paired", "memory"]));

    // Owner from the manifest: a stranger on chatx is ignored; on the pairing channel, a code.
    const chatxChannel = runtime.channels.get("chatx") as MemoryChannel;
    await chatxChannel.deliver("hello?", { senderId: "@stranger:example.org" });
    const pairedChannel = runtime.channels.get("paired") as MemoryChannel;
    await pairedChannel.deliver("hello?", { senderId: "@someone:example.org" });
    await pairedChannel.waitFor(() =>
      pairedChannel.texts().some((text) => text.includes("ironclaw pairing approve paired")),
    );
    expect(chatxChannel.texts()).toEqual([]);

    await harness.close();
    open.length = 0;
    expect(runtime.closed).toBe(true);
  });

  test("tampered bytes turn the channel off for good and tell the owner once; the others start", async () => {
    const handle = await database();
    await installChannel(handle.db, "chatx");
    await installChannel(handle.db, "tampered");
    await handle.db.execute(
      sql`update wasm_tools set "binary" = convert_to('evil bytes', 'UTF8') where name = 'tampered'`,
    );
    const runtime = createFakeChannelRuntime();
    const wasmChannels = createWasmChannelSet({ db: handle.db, runtime, log: silentLogger });
    const harness = await startHostHarness(handle, { overrides: { wasmChannels } });
    open.push(harness);
    expect(runtime.loads.map((load) => load.artifact.name)).toEqual(["chatx"]);
    const row = await getWasmTool(handle.db, "tampered");
    expect(row?.status).toBe("disabled");
    expect(row?.disabledReason).toContain("hash mismatch");
    expect(harness.host.health().tampered).toEqual({
      ok: false,
      detail: expect.stringContaining("hash mismatch"),
    });
    // A second start finds it disabled: no second message, nothing loaded.
    await harness.close();
    open.length = 0;
    const again = createFakeChannelRuntime();
    const restarted = await startHostHarness(handle, {
      overrides: { wasmChannels: createWasmChannelSet({ db: handle.db, runtime: again, log: silentLogger }) },
    });
    open.push(restarted);
    expect(again.loads.map((load) => load.artifact.name)).toEqual(["chatx"]);
    const notices = await handle.db.select().from(routineDeliveries);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('I turned off the installed channel "tampered"');
  });

  test("a channel that fails to load, or whose stored manifest no longer parses, is off for this start only", async () => {
    const handle = await database();
    await installChannel(handle.db, "chatx");
    await installChannel(handle.db, "broken");
    await installChannel(handle.db, "widened");
    await installChannel(handle.db, "posing");
    await handle.db.execute(
      sql`update wasm_tools set manifest = ${JSON.stringify({ kind: "channel", name: "widened", http: { allowlist: [{ host: "*" }] } })}::jsonb where name = 'widened'`,
    );
    await handle.db.execute(
      sql`update wasm_tools set manifest = ${JSON.stringify({ kind: "channel", name: "telegram" })}::jsonb where name = 'posing'`,
    );
    const runtime = createFakeChannelRuntime();
    runtime.failing.add("broken");
    const wasmChannels = createWasmChannelSet({ db: handle.db, runtime, log: silentLogger });
    const harness = await startHostHarness(handle, { overrides: { wasmChannels } });
    open.push(harness);
    const health = harness.host.health();
    expect(health.chatx).toEqual({ ok: true });
    expect(health.broken).toEqual({ ok: false, detail: "failed to load: broken: on-start trapped" });
    expect(health.widened?.detail).toContain('a bare "*" would allow every host');
    expect(health.posing?.detail).toContain('"telegram" is reserved');
    expect(wasmChannels.loadedNames()).toEqual(["chatx"]);
    // Off for this start only: the rows stay enabled, the next start tries again.
    for (const name of ["broken", "widened", "posing"])
      expect((await getWasmTool(handle.db, name))?.status).toBe("enabled");
  });

  test("the installed-tool set never loads a channel row as a tool", async () => {
    const handle = await database();
    await installTool(handle.db, "stars");
    await installChannel(handle.db, "chatx");
    const runtime = createFakeRuntime();
    const tools = createInstalledTools({
      db: handle.db,
      runtime,
      log: silentLogger,
      reservedNames: new Set(),
    });
    expect((await tools.loadAll()).map((tool) => tool.name)).toEqual(["stars"]);
    expect(runtime.loads).toEqual(["stars"]);
    expect((await getWasmTool(handle.db, "chatx"))?.status).toBe("enabled");
    await tools.sync();
    expect(runtime.loads).toEqual(["stars"]);
  });
});
