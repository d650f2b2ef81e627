import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { maxVersions } from "../../src/db/memory-documents.ts";
import { MemoryInputError } from "../../src/memory/paths.ts";
import { forEachMemoryBackend } from "./support.ts";

const words = (count: number, word = "alpha") =>
  Array.from({ length: count }, (_, i) => `${word}${i}`).join(" ");

forEachMemoryBackend("memory documents", ({ memory: openMemory, database }) => {
  test("write, read, append, tree; an unchanged write is a no-op", async () => {
    const memory = await openMemory();
    expect((await memory.write("notes/travel.md", "Flight to Lisbon on May 3.")).changed).toBe(true);
    expect(await memory.read("./notes/travel.md")).toBe("Flight to Lisbon on May 3.");
    expect((await memory.write("notes/travel.md", "Flight to Lisbon on May 3.")).changed).toBe(false);
    await memory.write("notes/travel.md", "Hotel: Alfama.", "append");
    expect(await memory.read("notes/travel.md")).toBe("Flight to Lisbon on May 3.\n\nHotel: Alfama.");
    await memory.write("daily/2026-12-01.md", "x");
    expect((await memory.tree()).map((entry) => entry.path)).toEqual([
      "daily/2026-12-01.md",
      "notes/travel.md",
    ]);
    expect((await memory.tree("notes/")).map((entry) => entry.path)).toEqual(["notes/travel.md"]);
    await expect(memory.read("notes/missing.md")).rejects.toThrow(/No memory document/);
  });

  test("every write keeps the previous content; at most 50 versions per document", async () => {
    const memory = await openMemory();
    for (let index = 0; index < maxVersions + 5; index++) await memory.write("log.md", `version ${index}`);
    const versions = await memory.versions("log.md");
    expect(versions).toHaveLength(maxVersions);
    expect(versions[0]?.content).toBe(`version ${maxVersions + 3}`);
    expect(versions.at(-1)?.content).toBe("version 4");
  });

  test("refused paths and oversized documents never reach the database", async () => {
    const handle = await database();
    const memory = await openMemory({ handle });
    for (const path of ["../x.md", "/etc/passwd", "a\u0000b.md", "a/../../b.md"]) {
      await expect(memory.write(path, "attack")).rejects.toThrow(MemoryInputError);
    }
    await expect(memory.write("big.md", "x".repeat(10 * 1024 * 1024))).rejects.toThrow(/limit/);
    await memory.write("grow.md", "x".repeat(1000 * 1024));
    await expect(memory.write("grow.md", "x".repeat(100 * 1024), "append")).rejects.toThrow(/limit/);
    const rows = await handle.query<{ count: number }>(
      sql`select count(*)::int as count from memory_documents`,
    );
    expect(Number(rows[0]?.count)).toBe(1);
  });

  test("chunks are rebuilt only when the content changes", async () => {
    const handle = await database();
    const memory = await openMemory({ handle });
    await memory.write("long.md", words(2000));
    const chunkIds = async () =>
      (await handle.query<{ id: string }>(sql`select id from memory_chunks order by position`)).map(
        (row) => row.id,
      );
    const first = await chunkIds();
    expect(first.length).toBe(3);
    await memory.write("long.md", words(2000));
    expect(await chunkIds()).toEqual(first);
    await memory.write("long.md", words(500, "beta"));
    const after = await chunkIds();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(first[0] as string);
  });

  test("daily notes are dated in the owner's timezone", async () => {
    // 2026-12-01 22:30 UTC is already 2 December in Auckland (UTC+13).
    const at = new Date("2026-12-01T22:30:00Z");
    const auckland = await openMemory({ timezone: "Pacific/Auckland", now: () => at });
    const path = await auckland.appendDailyNote("Booked the dentist.");
    expect(path).toBe("daily/2026-12-02.md");
    expect(await auckland.read(path)).toBe("## 11:30\nBooked the dentist.\n");
    await auckland.appendDailyNote("Paid rent.", "(compaction)");
    expect(await auckland.read(path)).toBe(
      "## 11:30\nBooked the dentist.\n\n## 11:30 (compaction)\nPaid rent.\n",
    );
    const utc = await openMemory({ timezone: "UTC", now: () => at });
    expect(utc.dailyNotePath()).toBe("daily/2026-12-01.md");
  });
});
