/**
 * The held-build rows on a real database: the first build held for a call is the one kept (a
 * later proposal of the same call cannot swap the bytes the owner is shown), the key ignores key
 * order, and a build that never reached an approval is swept only after the fresh-row grace.
 */
import { expect, test } from "bun:test";
import {
  getWasmToolBuild,
  holdWasmToolBuild,
  listWasmToolBuilds,
  sweepWasmToolBuilds,
} from "../../../../src/db/wasm-tool-builds.ts";
import { callKey } from "../../../../src/plugin/wasm/self-build/pending-builds.ts";
import { forEachBackend } from "../../../support/db.ts";

function row(params: Record<string, unknown>, bytes: number[]) {
  return {
    callKey: callKey(params),
    name: "days-until",
    params,
    binary: new Uint8Array(bytes),
    sha256: `hash-${bytes.join("")}`,
    size: bytes.length,
    manifest: { kind: "tool", name: "days-until" },
    source: "export const x = 1;",
    tests: [],
    outcomes: [],
    summary: "summary",
    baseVersion: null,
  };
}

const sweepAt = (minutes: number) => ({
  now: new Date(Date.now() + minutes * 60_000),
  tool: "tool_build",
  freshMs: 10 * 60_000,
  approvedMs: 24 * 60 * 60_000,
});

forEachBackend("held builds", ({ database }) => {
  test("the first hold for a call stays; the key ignores key order", async () => {
    const { db } = await database();
    const params = { name: "days-until", source: "a" };
    expect(callKey({ source: "a", name: "days-until" })).toBe(callKey(params));
    await holdWasmToolBuild(db, row(params, [1, 2, 3]));
    await holdWasmToolBuild(db, row(params, [9, 9, 9]));
    const held = await getWasmToolBuild(db, callKey(params));
    expect([...(held?.binary ?? [])]).toEqual([1, 2, 3]);
    expect(await listWasmToolBuilds(db, "days-until")).toHaveLength(1);
  });

  test("a build no approval asks about is kept while fresh, swept after the grace", async () => {
    const { db } = await database();
    await holdWasmToolBuild(db, row({ name: "days-until" }, [1]));
    expect(await sweepWasmToolBuilds(db, sweepAt(1))).toBe(0);
    expect(await sweepWasmToolBuilds(db, sweepAt(11))).toBe(1);
    expect(await listWasmToolBuilds(db, "days-until")).toEqual([]);
  });
});
