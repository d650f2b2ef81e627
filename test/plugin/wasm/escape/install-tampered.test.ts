/**
 * Bytes changed in the database after install: the next start finds the stored component's hash
 * different from the one the owner approved, turns that tool off with the reason, tells the owner
 * on their chat (once), and the other installed tools load and answer as before. Real runtime,
 * real components, real host.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { getOrCreateConversation } from "../../../../src/db/conversations.ts";
import { getWasmTool } from "../../../../src/db/wasm-tools.ts";
import { createInstalledToolSet } from "../../../../src/host/wasm-setup.ts";
import { silentLogger } from "../../../../src/log.ts";
import { commitInstall, installWasmTool } from "../../../../src/plugin/wasm/install.ts";
import { forEachBackend } from "../../../support/db.ts";
import { startHostHarness } from "../../../support/host.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { buildTestGuest, echoGuestSource } from "../support/build-guest.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

forEachBackend("a component swapped in the database after install", ({ database }) => {
  test("is turned off, the owner is told once on their chat, and the other tools keep working", async () => {
    const handle = await database();
    const { db } = handle;
    const reservedNames = new Set<string>();
    for (const name of ["kept", "swapped"]) {
      const bytes = await buildTestGuest(echoGuestSource(name));
      await commitInstall(
        db,
        await installWasmTool({ db, bytes, manifest: { kind: "tool", name }, reservedNames }),
        reservedNames,
      );
    }
    // Another tool's (valid, signed-by-nobody) component put in place of the approved one.
    const other = await buildTestGuest(echoGuestSource("attacker"));
    await db.execute(sql`update wasm_tools set "binary" = ${Buffer.from(other)} where name = 'swapped'`);
    await getOrCreateConversation(db, "memory", "chat-1");

    const set = createInstalledToolSet({
      home: mkdtempSync(join(tmpdir(), "ironclaw-tampered-")),
      db,
      log: silentLogger,
    });
    const harness = await startHostHarness(handle, {
      overrides: { installedToolSet: set, schedulerTimers: false },
    });
    open.push(harness);
    await harness.host.scheduler.tick();

    const row = await getWasmTool(db, "swapped");
    expect(row?.status).toBe("disabled");
    expect(row?.disabledReason).toContain("hash mismatch");
    expect(harness.host.runner.get("swapped")).toBeUndefined();
    const told = harness.channel.sent.filter((message) => message.text.includes('installed tool "swapped"'));
    expect(told).toHaveLength(1);
    expect(told[0]?.chatId).toBe("chat-1");

    const kept = harness.host.runner.get("kept");
    expect(kept).toBeDefined();
    const result = await kept?.execute({ text: "still here" }, createTestToolContext());
    expect(result?.content).toBe('kept:{"text":"still here"}');

    await harness.host.scheduler.tick();
    expect(
      harness.channel.sent.filter((message) => message.text.includes('installed tool "swapped"')),
    ).toHaveLength(1);
  }, 120_000);
});
