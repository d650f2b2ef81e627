/**
 * `tools history` and `tools rollback`: every version with its hash and reach; a rollback shows
 * the capability change and the hashes, asks the owner, and stores the old component again as a
 * new version (history is never edited); a tampered version row is refused.
 */
import { beforeAll, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { ToolsIo } from "../../src/cli/tools.ts";
import { runToolsHistory, runToolsRollback } from "../../src/cli/tools-history.ts";
import type { Database } from "../../src/db/client.ts";
import { getWasmTool, listWasmToolVersions } from "../../src/db/wasm-tools.ts";
import { commitInstall, installWasmTool, sha256Hex } from "../../src/plugin/wasm/install.ts";
import { buildTestGuest, echoGuestSource } from "../plugin/wasm/support/build-guest.ts";
import { forEachBackend } from "../support/db.ts";

let first: Uint8Array;
let second: Uint8Array;
beforeAll(async () => {
  first = await buildTestGuest(echoGuestSource("stars"));
  second = await buildTestGuest(echoGuestSource("stars-v2"));
}, 120_000);

function console(answer = "", isTerminal = true) {
  const out: string[] = [];
  const io: ToolsIo = {
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
    isTerminal,
    ask: async () => answer,
    cwd: "/",
  };
  return { io, out };
}

async function installTwoVersions(db: Database) {
  for (const [bytes, manifest] of [
    [first, { kind: "tool", name: "stars", description: "Stars" }],
    [
      second,
      {
        kind: "tool",
        name: "stars",
        description: "Stars",
        http: { allowlist: [{ host: "api.github.com" }] },
      },
    ],
  ] as const) {
    const review = await installWasmTool({
      db,
      bytes,
      manifest,
      source: "export const x = 1;",
      tests: [{ params: {}, expect: 1 }],
      reservedNames: new Set(),
    });
    await commitInstall(db, review, new Set());
  }
}

forEachBackend("tools history and rollback", ({ database }) => {
  test("history lists each version with its hash, what is stored and what it reaches", async () => {
    const { db } = await database();
    await installTwoVersions(db);
    const { io, out } = console();
    expect(await runToolsHistory(db, "stars", io)).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toStartWith("v2 ");
    expect(out[0]).toContain(sha256Hex(second));
    expect(out[0]).toContain("source 19 characters, 1 tests  network: api.github.com  ← current");
    expect(out[1]).toContain(`${sha256Hex(first)}  source 19 characters, 1 tests  network: none`);
    expect(await runToolsHistory(db, "nothing", console().io)).toBe(1);
  }, 60_000);

  test("rollback shows what changes, asks, and stores the old component as a new version", async () => {
    const { db } = await database();
    await installTwoVersions(db);
    const declined = console("n");
    expect(await runToolsRollback(db, ["stars"], declined.io)).toBe(1);
    expect(declined.out).toContain(`  SHA-256: ${sha256Hex(second)} → ${sha256Hex(first)}`);
    expect(declined.out).toContain("  - Network: GET to api.github.com (any path).");
    expect(declined.out).toContain("  + Network: none.");
    expect(declined.out.at(-1)).toBe("Nothing changed.");
    expect((await getWasmTool(db, "stars"))?.version).toBe(2);

    expect(await runToolsRollback(db, ["stars", "1"], console("", false).io)).toBe(1);
    const accepted = console("yes");
    expect(await runToolsRollback(db, ["stars", "1"], accepted.io)).toBe(0);
    const row = await getWasmTool(db, "stars");
    expect(row?.version).toBe(3);
    expect(row?.sha256).toBe(sha256Hex(first));
    expect(sha256Hex(row?.binary as Uint8Array)).toBe(sha256Hex(first));
    expect((await listWasmToolVersions(db, "stars")).map((version) => version.version)).toEqual([3, 2, 1]);
    expect(accepted.out.at(-1)).toContain('"stars" is now v3, the component of v1');
  }, 60_000);

  test("a version whose stored bytes no longer match its hash is not restored; bad targets are refused", async () => {
    const { db } = await database();
    await installTwoVersions(db);
    await db.execute(
      sql`update wasm_tool_versions set sha256 = ${"0".repeat(64)} where name = 'stars' and version = 1`,
    );
    const tampered = console("yes");
    expect(await runToolsRollback(db, ["stars", "1", "--yes"], tampered.io)).toBe(1);
    expect(tampered.out.at(-1)).toContain("no longer matches its recorded SHA-256");
    expect((await getWasmTool(db, "stars"))?.version).toBe(2);
    for (const args of [["stars", "9"], ["stars", "x"], ["missing"], []]) {
      expect(await runToolsRollback(db, args, console("yes").io)).toBe(1);
    }
  }, 60_000);
});
