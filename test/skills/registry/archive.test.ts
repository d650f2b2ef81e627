import { describe, expect, test } from "bun:test";
import {
  type ArchiveLimits,
  defaultArchiveLimits,
  readSkillArchive,
} from "../../../src/skills/registry/archive.ts";
import {
  buildSkillZip,
  buildZip,
  declareSize,
  renameEntry,
  skillMarkdown,
} from "../../fakes/clawhub/archives.ts";

const weather = skillMarkdown({ name: "weather" });

function refusal(archive: Uint8Array, limits?: ArchiveLimits): string {
  try {
    readSkillArchive(archive, limits);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the archive was accepted");
}

describe("readSkillArchive accepts", () => {
  test("a skill in a single top folder, with its extra text files", () => {
    const read = readSkillArchive(
      buildSkillZip({ name: "weather", extraFiles: { "references/units.md": "metric" } }),
    );
    expect(read.skill.name).toBe("weather");
    expect(read.files.map((file) => file.path).sort()).toEqual(["SKILL.md", "references/units.md"]);
    expect(read.skillSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("a skill at the archive's root", () => {
    const read = readSkillArchive(buildZip({ "SKILL.md": weather, "notes.txt": "x" }));
    expect(read.files.map((file) => file.path).sort()).toEqual(["SKILL.md", "notes.txt"]);
  });
});

describe("readSkillArchive refuses", () => {
  test("an entry climbing out with ../", () => {
    expect(refusal(buildZip({ "SKILL.md": weather, "../evil.md": "x" }))).toContain("climbs out");
    expect(refusal(buildZip({ "SKILL.md": weather, "a/../../evil.md": "x" }))).toContain("climbs out");
  });

  test("absolute paths, drive letters and backslashes", () => {
    expect(refusal(buildZip({ "SKILL.md": weather, "/etc/cron.d/x": "x" }))).toContain("absolute path");
    expect(refusal(buildZip({ "SKILL.md": weather, "C:/x.md": "x" }))).toContain("names a drive");
    expect(refusal(buildZip({ "SKILL.md": weather, "..\\evil.md": "x" }))).toContain("backslash");
  });

  test("a NUL or control character in a name", () => {
    const archive = renameEntry(buildZip({ "SKILL.md": weather, evilXmd: "x" }), "evilXmd", "evil\u0000md");
    expect(refusal(archive)).toContain("control character");
  });

  test("a symbolic link entry, by its Unix file type", () => {
    const archive = buildZip({ "SKILL.md": weather, "link.md": { data: "/etc/passwd", unixMode: 0o120777 } });
    expect(refusal(archive)).toContain("symbolic link");
  });

  test("a SKILL.md that is itself a symbolic link", () => {
    expect(
      refusal(
        buildZip({ "SKILL.md": { data: "/home/owner/.ironclaw/skills/x/SKILL.md", unixMode: 0o120777 } }),
      ),
    ).toContain("symbolic link");
  });

  test("device files and FIFOs", () => {
    expect(refusal(buildZip({ "SKILL.md": weather, fifo: { data: "", unixMode: 0o010644 } }))).toContain(
      "not a regular file",
    );
  });

  test("two entries landing on one file (also differing only in case)", () => {
    const duplicate = renameEntry(
      buildZip({ "SKILL.md": weather, "SKILL.mX": weather }),
      "SKILL.mX",
      "SKILL.md",
    );
    expect(refusal(duplicate)).toContain("appears twice");
    expect(refusal(buildZip({ "SKILL.md": weather, "skill.md": weather }))).toContain("appears twice");
  });

  test("too many files, too large a file, too many bytes in all", () => {
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, index) => [`f${index}.md`, "x"]));
    expect(refusal(buildZip({ "SKILL.md": weather, ...many }))).toContain("at most 64");
    const limits = { ...defaultArchiveLimits, maxFileBytes: 1000, maxTotalBytes: 1500 };
    expect(refusal(buildZip({ "SKILL.md": weather, "big.md": "x".repeat(1001) }), limits)).toContain(
      "per file",
    );
    expect(
      refusal(buildZip({ "SKILL.md": weather, "a.md": "x".repeat(900), "b.md": "x".repeat(900) }), limits),
    ).toContain("add up");
  });

  test("a zip bomb whose header understates its size", () => {
    const bomb = declareSize(buildZip({ "SKILL.md": weather.padEnd(50_000, " ") }), 100);
    expect(refusal(bomb)).toContain("not the size its header declares");
  });

  test("a zip bomb that declares its real (huge) size", () => {
    expect(refusal(buildZip({ "SKILL.md": weather, "bomb.md": "0".repeat(20 * 1024 * 1024) }))).toContain(
      "per file",
    );
  });

  test("binary files", () => {
    expect(
      refusal(buildZip({ "SKILL.md": weather, "tool.bin": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1]) })),
    ).toContain("not a text file");
    expect(refusal(buildZip({ "SKILL.md": weather, "bad.md": new Uint8Array([0xc3, 0x28]) }))).toContain(
      "not a text file",
    );
  });

  test("no SKILL.md, or one only in a nested folder", () => {
    expect(refusal(buildZip({ "README.md": "x" }))).toContain("exactly one SKILL.md");
    expect(refusal(buildZip({ "a/b/SKILL.md": weather }))).toContain("exactly one SKILL.md");
    expect(refusal(buildZip({ "one/SKILL.md": weather, "two/SKILL.md": weather }))).toContain(
      "exactly one SKILL.md",
    );
  });

  test("a SKILL.md over 64 KiB", () => {
    const large = skillMarkdown({ name: "weather", body: "x".repeat(70 * 1024) });
    expect(refusal(buildZip({ "SKILL.md": large }))).toContain("the limit is 65536");
  });

  test("malformed front matter, naming the line", () => {
    const broken = "---\nname: weather\nversion: [1.0\ndescription: x\n---\nbody\n";
    expect(refusal(buildZip({ "SKILL.md": broken }))).toMatch(/SKILL\.md:\d+: malformed front matter/);
  });

  test("something that is not a zip at all", () => {
    expect(refusal(new TextEncoder().encode("<html>not found</html>"))).toContain("not a zip file");
    expect(refusal(new Uint8Array(0))).toContain("not a zip file");
  });
});
