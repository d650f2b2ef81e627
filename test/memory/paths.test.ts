import { describe, expect, test } from "bun:test";
import {
  checkDocumentSize,
  MemoryInputError,
  maxDocumentBytes,
  normalizeDocumentPath,
  normalizePathPrefix,
} from "../../src/memory/paths.ts";

describe("memory document paths", () => {
  test("canonical relative paths pass and are normalised", () => {
    expect(normalizeDocumentPath("notes/ideas.md")).toBe("notes/ideas.md");
    expect(normalizeDocumentPath("./notes//ideas.md")).toBe("notes/ideas.md");
    expect(normalizeDocumentPath("AGENTS.md")).toBe("AGENTS.md");
    expect(normalizePathPrefix("daily/")).toBe("daily/");
    expect(normalizePathPrefix(undefined)).toBe("");
  });

  const attacks: [string, RegExp][] = [
    ["../secrets.md", /"\.\." is not allowed/],
    ["notes/../../etc/passwd", /"\.\." is not allowed/],
    ["/etc/passwd", /relative to the workspace/],
    ["~/.ssh/id_rsa", /relative to the workspace/],
    ["C:/Windows/win.ini", /relative to the workspace/],
    ["notes\\..\\..\\x.md", /use "\/"/],
    ["notes/a\u0000.md", /NUL or control characters/],
    ["notes/a\nAGENTS.md", /NUL or control characters/],
    ["notes/\u001b[31mred.md", /NUL or control characters/],
    ["", /empty/],
    ["./", /empty/],
    [`${"a/".repeat(200)}x.md`, /longer than 256/],
  ];
  for (const [path, reason] of attacks) {
    test(`refuses ${JSON.stringify(path.slice(0, 40))}`, () => {
      expect(() => normalizeDocumentPath(path)).toThrow(MemoryInputError);
      expect(() => normalizeDocumentPath(path)).toThrow(reason);
    });
  }

  test("a 10 MB document is refused with the limit named; 1 MiB passes", () => {
    expect(() => checkDocumentSize("big.md", "x".repeat(10 * 1024 * 1024))).toThrow(
      /over the 1048576-byte limit/,
    );
    expect(() => checkDocumentSize("ok.md", "x".repeat(maxDocumentBytes))).not.toThrow();
    // Multi-byte text is measured in bytes, not characters.
    expect(() => checkDocumentSize("emoji.md", "é".repeat(maxDocumentBytes / 2 + 1))).toThrow(
      MemoryInputError,
    );
  });
});
