/**
 * Held `skill_install` archives in the database: a second instance (the process after a restart)
 * finds what the first held, byte for byte; taking is once only, also across instances; old holds
 * expire and the number held is bounded.
 */
import { expect, test } from "bun:test";
import type { HeldSkillInstallRow } from "../../src/db/held-skill-installs.ts";
import { heldSkillInstalls } from "../../src/db/schema/index.ts";
import { sha256Hex } from "../../src/skills/registry/archive.ts";
import { createHeldInstalls } from "../../src/skills/registry/held-installs.ts";
import type { PreparedSkill } from "../../src/skills/registry/installer.ts";
import { forEachBackend } from "../support/db.ts";

function prepared(slug: string, text: string): PreparedSkill {
  const archive = new TextEncoder().encode(text);
  return { slug, version: "1.0.0", archive, archiveSha256: sha256Hex(archive) } as unknown as PreparedSkill;
}

/** What the installer's `reopen` does, minus the archive checks: the stored bytes as a PreparedSkill. */
const reopened: HeldSkillInstallRow[] = [];
const reopen = (row: HeldSkillInstallRow): PreparedSkill => {
  reopened.push(row);
  return prepared(row.slug, new TextDecoder().decode(row.archive));
};

forEachBackend("held skill archives", ({ database }) => {
  test("an archive held before a restart is found after it, and taken once", async () => {
    const { db } = await database();
    const before = createHeldInstalls({ db, reopen });
    const held = prepared("stock-watch", "the reviewed bytes \u0000\u00ff");
    await before.hold({ slug: "stock-watch" }, held);

    const after = createHeldInstalls({ db, reopen });
    expect(after.find({ slug: "stock-watch" })).toBeUndefined(); // nothing in this process's memory
    const recalled = await after.recall({ slug: "stock-watch" });
    expect(recalled?.archiveSha256).toBe(held.archiveSha256);
    expect(new TextDecoder().decode(recalled?.archive)).toBe("the reviewed bytes \u0000\u00ff");
    expect(await after.recall({ slug: "other" })).toBeUndefined();

    const taken = await after.take({ slug: "stock-watch" });
    expect(taken?.archiveSha256).toBe(held.archiveSha256);
    expect(await after.take({ slug: "stock-watch" })).toBeUndefined();
    // The first instance still has it in memory, but the row decides: no second install.
    expect(before.find({ slug: "stock-watch" })).toBeDefined();
    expect(await before.take({ slug: "stock-watch" })).toBeUndefined();
  });

  test("parameters are the key: another version is another hold", async () => {
    const { db } = await database();
    const held = createHeldInstalls({ db, reopen });
    await held.hold({ slug: "a", version: "1.0.0" }, prepared("a", "one"));
    expect(await createHeldInstalls({ db, reopen }).recall({ slug: "a", version: "2.0.0" })).toBeUndefined();
    expect(await createHeldInstalls({ db, reopen }).recall({ version: "1.0.0", slug: "a" })).toBeDefined();
  });

  test("holds older than the age limit are not returned, and at most maxEntries are kept", async () => {
    const { db } = await database();
    let now = Date.now();
    const held = createHeldInstalls({ db, reopen, maxEntries: 2, maxAgeMs: 60_000, now: () => now });
    await held.hold({ slug: "old" }, prepared("old", "old"));
    now += 120_000;
    const later = createHeldInstalls({ db, reopen, maxEntries: 2, maxAgeMs: 60_000, now: () => now });
    expect(await later.recall({ slug: "old" })).toBeUndefined();
    expect(await later.take({ slug: "old" })).toBeUndefined();

    for (const slug of ["one", "two", "three"]) {
      now += 1_000;
      await later.hold({ slug }, prepared(slug, slug));
    }
    const rows = await db.select({ slug: heldSkillInstalls.slug }).from(heldSkillInstalls);
    expect(rows.map((row) => row.slug).sort()).toEqual(["three", "two"]);
  });
});
