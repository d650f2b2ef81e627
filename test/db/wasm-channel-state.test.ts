/**
 * A WASM channel's store on both backends: a callback's writes land together or not at all, a
 * `null` deletes, and one channel never reads another's keys.
 */
import { expect, test } from "bun:test";
import {
  applyChannelState,
  clearChannelState,
  createDatabaseChannelStateStore,
  listChannelState,
  readChannelState,
} from "../../src/db/wasm-channel-state.ts";
import { forEachBackend } from "../support/db.ts";

forEachBackend("wasm channel state", ({ database }) => {
  test("writes, overwrites and deletes are applied as one batch", async () => {
    const { db } = await database();
    const store = createDatabaseChannelStateStore(db);
    expect(await store.read("matrix", "cursor")).toBeUndefined();
    await store.apply(
      "matrix",
      new Map([
        ["cursor", "s1"],
        ["bot", "@bot:example.org"],
      ]),
    );
    expect(await store.read("matrix", "cursor")).toBe("s1");
    await store.apply(
      "matrix",
      new Map<string, string | null>([
        ["cursor", "s2"],
        ["bot", null],
      ]),
    );
    expect(await listChannelState(db, "matrix")).toEqual(new Map([["cursor", "s2"]]));
  });

  test("channels are separate namespaces", async () => {
    const { db } = await database();
    await applyChannelState(db, "matrix", new Map([["cursor", "mine"]]));
    await applyChannelState(db, "other", new Map([["cursor", "theirs"]]));
    expect(await readChannelState(db, "matrix", "cursor")).toBe("mine");
    expect(await readChannelState(db, "other", "cursor")).toBe("theirs");
    await clearChannelState(db, "other");
    expect(await readChannelState(db, "other", "cursor")).toBeUndefined();
    expect(await readChannelState(db, "matrix", "cursor")).toBe("mine");
  });

  test("a batch that fails part-way leaves nothing behind", async () => {
    const { db } = await database();
    await applyChannelState(db, "matrix", new Map([["cursor", "before"]]));
    // The delete runs first; the insert after it fails (a value that is not text), so the
    // delete must be rolled back with it.
    const writes = new Map<string, string | null>([
      ["cursor", null],
      ["broken", { toString: null } as unknown as string],
    ]);
    await expect(applyChannelState(db, "matrix", writes)).rejects.toThrow();
    expect(await readChannelState(db, "matrix", "cursor")).toBe("before");
    expect(await readChannelState(db, "matrix", "broken")).toBeUndefined();
  });

  test("text the platform sent with NUL bytes is stored cleaned, not refused", async () => {
    const { db } = await database();
    await applyChannelState(db, "matrix", new Map([["name", "a\u0000b"]]));
    expect(await readChannelState(db, "matrix", "name")).toBe("a\uFFFDb");
  });
});
