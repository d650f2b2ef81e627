/**
 * SKILL.md parsing: the full format, files written for other assistants (unknown keys kept and
 * ignored), and every refusal naming the file and the line: malformed YAML, wrong types, a bad or
 * missing name, no front matter, a file over 64 KiB.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../src/errors.ts";
import { maxSkillFileBytes, parseSkillFile } from "../../src/skills/parse.ts";

function refusal(text: string): AppError {
  try {
    parseSkillFile(text, "/skills/x/SKILL.md");
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_input");
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

describe("parseSkillFile", () => {
  test("reads every known key and the body", () => {
    const parsed = parseSkillFile(
      [
        "---",
        "name: trip-planner",
        "version: 1.2",
        "description: Plans trips",
        "activation:",
        "  keywords: [trip, travel]",
        "  exclude_keywords: business",
        "  patterns: ['\\bflight to \\w+']",
        "  tags: [holiday]",
        "  max_context_tokens: 500",
        "requires:",
        "  bins: [curl]",
        "  env: [MAPS_KEY]",
        "  config: [TZ]",
        "  skills: [research-notes]",
        "credentials:",
        "  - name: maps_key",
        "    hosts: [maps.example.com]",
        "    location: query:key",
        "---",
        "",
        "# Trip planner",
        "Ask for dates first.",
        "",
      ].join("\n"),
      "/skills/trip-planner/SKILL.md",
    );
    expect(parsed).toEqual({
      name: "trip-planner",
      version: "1.2",
      description: "Plans trips",
      activation: {
        keywords: ["trip", "travel"],
        excludeKeywords: ["business"],
        patterns: ["\\bflight to \\w+"],
        tags: ["holiday"],
        maxContextTokens: 500,
      },
      requires: { bins: ["curl"], env: ["MAPS_KEY"], config: ["TZ"], skills: ["research-notes"] },
      credentials: [{ name: "maps_key", hosts: ["maps.example.com"], location: "query:key" }],
      unknownKeys: [],
      body: "# Trip planner\nAsk for dates first.",
    });
  });

  test("an OpenClaw/Claude-style file parses; its extra keys are kept as unknown", () => {
    const parsed = parseSkillFile(
      [
        "\uFEFF---",
        "name: pdf-tools",
        'description: "Fill and merge PDF forms"',
        "allowed-tools: [Bash, Read]",
        "metadata:",
        '  openclaw: { emoji: "📄", requires: { bins: [qpdf] } }',
        "activation:",
        "  keywords: [pdf]",
        "  priority: high",
        "---",
        "Use qpdf.",
      ].join("\r\n"),
      "/x/SKILL.md",
    );
    expect(parsed.name).toBe("pdf-tools");
    expect(parsed.version).toBe("0.0.0");
    expect(parsed.activation.keywords).toEqual(["pdf"]);
    expect(parsed.requires.bins).toEqual([]);
    expect(parsed.unknownKeys).toEqual(["allowed-tools", "metadata", "activation.priority"]);
    expect(parsed.body).toBe("Use qpdf.");
  });

  test("malformed YAML names the file and the line", () => {
    const error = refusal(
      ["---", "name: x", "description: fine", "activation:", "  keywords: [a, b", "---", "body"].join("\n"),
    );
    expect(error.message).toStartWith("/skills/x/SKILL.md:");
    expect(error.context.line).toBeGreaterThanOrEqual(5);
    expect(error.message).toContain("malformed front matter");
  });

  test("a duplicate key is malformed, at its line", () => {
    const error = refusal(["---", "name: x", "description: a", "name: y", "---", ""].join("\n"));
    expect(error.context.line).toBe(4);
  });

  test("wrong types of known keys are refused at their line", () => {
    const cases: [string[], number, string][] = [
      [["name: x", "activation:", "  keywords: {a: 1}"], 4, "activation.keywords"],
      [["name: x", "activation: [a]"], 3, "`activation` must be a mapping"],
      [["name: x", "description: [a]"], 3, "`description` must be a string"],
      [["name: x", "activation:", "  max_context_tokens: -3"], 4, "max_context_tokens"],
      [["name: x", "requires:", "  bins: [curl, {x: 1}]"], 4, "requires.bins"],
      [["name: x", "credentials:", "  - hosts: [a.example]"], 4, "credential needs a `name`"],
    ];
    for (const [lines, line, words] of cases) {
      const error = refusal(["---", ...lines, "---", "b"].join("\n"));
      expect(error.message).toContain(words);
      expect(error.context.line).toBe(line);
    }
  });

  test("a missing or invalid name is refused", () => {
    expect(refusal("---\ndescription: no name\n---\nb").message).toContain("has no `name`");
    for (const name of ["Trip", "../evil", "a b", "1abc", "x".repeat(65), "ü"]) {
      const error = refusal(`---\nname: ${JSON.stringify(name)}\n---\nb`);
      expect(error.message).toContain("invalid name");
      expect(error.context.line).toBe(2);
    }
  });

  test("a file without front matter, or never closing it, is refused", () => {
    expect(refusal("# Just markdown").message).toContain("no front matter");
    expect(refusal("---\nname: x\nbody without closing").message).toContain("no front matter");
    expect(refusal("---\n- a\n- b\n---\nbody").message).toContain("must be a mapping");
  });

  test("a file over 64 KiB is refused before it is parsed", () => {
    const big = `---\nname: big\n---\n${"a".repeat(maxSkillFileBytes)}`;
    expect(refusal(big).message).toContain(`the limit is ${maxSkillFileBytes}`);
    // Multi-byte characters count as bytes, not characters.
    const wide = `---\nname: wide\n---\n${"é".repeat(maxSkillFileBytes / 2)}`;
    expect(refusal(wide).message).toContain("bytes");
  });

  test("the example in skills/README.md parses as documented", () => {
    const readme = readFileSync(join(import.meta.dir, "../../skills/README.md"), "utf8");
    const example = /```text\n(---\n[\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const parsed = parseSkillFile(example, "skills/README.md");
    expect(parsed.name).toBe("trip-planner");
    expect(parsed.activation.patterns).toEqual(["\\bflight to \\w+"]);
    expect(parsed.activation.maxContextTokens).toBe(800);
    expect(parsed.requires.skills).toEqual(["research-notes"]);
    expect(parsed.credentials[0]?.hosts).toEqual(["maps.example.com"]);
    expect(parsed.unknownKeys).toEqual([]);
  });
});
