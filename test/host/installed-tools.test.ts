import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createChangeFeed } from "../../src/db/change-feed.ts";
import type { Database } from "../../src/db/client.ts";
import { routineDeliveries } from "../../src/db/schema/index.ts";
import { getWasmTool, saveWasmToolVersion, setWasmToolStatus } from "../../src/db/wasm-tools.ts";
import { createInstalledTools } from "../../src/host/installed-tools.ts";
import { silentLogger } from "../../src/log.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { sha256Hex } from "../../src/plugin/wasm/install.ts";
import { createFakeRuntime } from "../plugin/wasm/support/fake-runtime.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function install(db: Database, name: string, content = name, manifest: Record<string, unknown> = {}) {
  const binary = new TextEncoder().encode(`component of ${content}`);
  return saveWasmToolVersion(db, {
    name,
    binary,
    sha256: sha256Hex(binary),
    manifest: { kind: "tool", name, ...manifest },
  });
}

function createSet(db: Database, runtime = createFakeRuntime()) {
  const set = createInstalledTools({ db, runtime, log: silentLogger, reservedNames: new Set(["echo"]) });
  return { set, runtime };
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

forEachBackend("installed tools in a running host", ({ database }) => {
  test("enabled tools load at start; disabled ones do not", async () => {
    const { db } = await database();
    await install(db, "alpha");
    await install(db, "beta");
    await setWasmToolStatus(db, "beta", "disabled", { reason: "disabled by the owner" });
    const { set } = createSet(db);
    expect((await set.loadAll()).map((tool) => tool.name)).toEqual(["alpha"]);
  });

  test("bytes changed in the database disable that tool, tell the owner once, and the others load", async () => {
    const { db } = await database();
    await install(db, "alpha");
    await install(db, "tampered");
    await db.execute(
      sql`update wasm_tools set "binary" = convert_to('evil bytes', 'UTF8') where name = 'tampered'`,
    );
    const { set, runtime } = createSet(db);
    expect((await set.loadAll()).map((tool) => tool.name)).toEqual(["alpha"]);
    expect(runtime.loads).toEqual(["alpha"]);
    const row = await getWasmTool(db, "tampered");
    expect(row?.status).toBe("disabled");
    expect(row?.disabledReason).toContain("hash mismatch");
    // A second process (or a restart) finds it disabled already: no second message.
    await createSet(db).set.loadAll();
    const notices = await db.select().from(routineDeliveries);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('I turned off the installed tool "tampered"');
    expect(notices[0]?.text).toContain("may have been tampered with");
  });

  test("a tool the runtime cannot load, a reserved name or a bad stored manifest is turned off alone", async () => {
    const { db } = await database();
    await install(db, "alpha");
    await install(db, "broken");
    await install(db, "echo");
    await install(db, "widened");
    await db.execute(
      sql`update wasm_tools set manifest = ${JSON.stringify({ name: "widened", http: { allowlist: [{ host: "*" }] } })}::jsonb where name = 'widened'`,
    );
    const runtime = createFakeRuntime();
    runtime.failing.add("broken");
    const { set } = createSet(db, runtime);
    expect((await set.loadAll()).map((tool) => tool.name)).toEqual(["alpha"]);
    expect((await getWasmTool(db, "broken"))?.disabledReason).toContain(
      "it could not be loaded (broken traps at start)",
    );
    expect((await getWasmTool(db, "echo"))?.disabledReason).toContain("one of IronClaw's own tools");
    expect((await getWasmTool(db, "widened"))?.disabledReason).toContain('a bare "*" would allow every host');
    expect(await db.select().from(routineDeliveries)).toHaveLength(3);
  });

  test("installs, replacements and removals made elsewhere arrive through the change feed", async () => {
    const handle = await database();
    const { db } = handle;
    await install(db, "alpha");
    const { set, runtime } = createSet(db);
    await set.loadAll();
    const current = new Map<string, Tool>();
    const feed = await createChangeFeed(handle);
    open.push(feed);
    set.attach(
      { putTool: (tool) => current.set(tool.name, tool), removeTool: (name) => current.delete(name) },
      feed,
    );
    await install(db, "beta");
    await eventually(() => current.has("beta"));
    await install(db, "alpha", "alpha version 2");
    await eventually(
      async () =>
        (await current.get("alpha")?.execute({}, {} as never))?.content.startsWith("alpha@") ?? false,
    );
    expect(runtime.unloads).toContain("alpha");
    await db.execute(sql`delete from wasm_tools where name = 'beta'`);
    await setWasmToolStatus(db, "alpha", "disabled", { reason: "disabled by the owner" });
    await eventually(() => !current.has("alpha"));
    // The raw delete sent no notice; the next change (or a restart) reconciles it too.
    expect(current.has("beta")).toBe(false);
  });

  test("a host offers an installed tool on the next LLM call, and drops a removed one", async () => {
    const handle = await database();
    await install(handle.db, "alpha", "alpha", { description: "Alpha tool." });
    const { set } = createSet(handle.db);
    const harness = await startHostHarness(handle, { overrides: { installedToolSet: set } });
    open.push(harness);
    const offered = () =>
      ((harness.llmServer.requests.at(-1)?.body.tools ?? []) as { function: { name: string } }[]).map(
        (tool) => tool.function.name,
      );
    harness.llmServer.enqueue({ text: "one" });
    await harness.channel.deliver("hello");
    await harness.host.queue.drain();
    expect(offered()).toContain("alpha");
    await install(handle.db, "beta");
    await set.sync();
    await setWasmToolStatus(handle.db, "alpha", "disabled", { reason: "disabled by the owner" });
    await set.sync();
    harness.llmServer.enqueue({ text: "two" });
    await harness.channel.deliver("again");
    await harness.host.queue.drain();
    expect(offered()).toContain("beta");
    expect(offered()).not.toContain("alpha");
  });
});
