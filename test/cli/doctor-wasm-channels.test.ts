/**
 * The doctor's "WASM channels" lines: each installed channel with its status and owner, what
 * keeps an enabled one from loading at the next start (checked without running it), and the
 * "WASM tools" count leaving channel rows out.
 */
import { beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { describeInstalledWasmChannels } from "../../src/cli/doctor-wasm-channels.ts";
import { describeInstalledWasmTools } from "../../src/cli/doctor-wasm-tools.ts";
import type { Database } from "../../src/db/client.ts";
import { saveWasmToolVersion, setWasmToolStatus } from "../../src/db/wasm-tools.ts";
import { sha256Hex } from "../../src/plugin/wasm/install.ts";
import { buildTestChannel } from "../plugin/wasm/support/build-channel-guest.ts";
import { buildTestGuest, echoGuestSource } from "../plugin/wasm/support/build-guest.ts";
import { forEachBackend } from "../support/db.ts";

let channelBytes: Uint8Array;
let toolBytes: Uint8Array;
beforeAll(async () => {
  channelBytes = await buildTestChannel();
  toolBytes = await buildTestGuest(echoGuestSource("stars"));
}, 120_000);

function save(db: Database, name: string, binary: Uint8Array, manifest: Record<string, unknown>) {
  return saveWasmToolVersion(db, {
    name,
    binary,
    sha256: sha256Hex(binary),
    manifest: { name, ...manifest },
  });
}

forEachBackend("doctor: installed WASM channels", ({ database }) => {
  test("none installed says how to install one", async () => {
    const { db } = await database();
    expect(await describeInstalledWasmChannels(db)).toEqual([
      'installed: none (`ironclaw tools install <folder>` with a "kind": "channel" manifest)',
    ]);
  });

  test("each channel with its status, owner and what would keep it from loading", async () => {
    const { db } = await database();
    await save(db, "alpha", channelBytes, { kind: "channel", owner_id: "@owner:example.org" });
    await save(db, "beta", channelBytes, { kind: "channel" });
    await save(db, "gamma", channelBytes, { kind: "channel" });
    await setWasmToolStatus(db, "gamma", "disabled", { reason: "disabled by the owner" });
    await save(db, "delta", channelBytes, { kind: "channel" });
    await db.execute(sql`update wasm_tools set "binary" = convert_to('evil', 'UTF8') where name = 'delta'`);
    await save(db, "epsilon", toolBytes, { kind: "channel" });
    await save(db, "stars", toolBytes, { kind: "tool" });
    const lines = await describeInstalledWasmChannels(db);
    expect(lines).toEqual([
      "alpha: enabled, v1 (owner: @owner:example.org; starts with the assistant)",
      "beta: enabled, v1 (owner: whoever pairs; starts with the assistant)",
      "delta: enabled, but will NOT load (the stored component does not match its SHA-256)",
      expect.stringContaining(
        "epsilon: enabled, but will NOT load (The component is refused: it is a tool component",
      ),
      "gamma: disabled (disabled by the owner)",
    ]);
    expect(await describeInstalledWasmTools(db)).toEqual(["installed: 1 (1 enabled)"]);
  }, 60_000);
});
