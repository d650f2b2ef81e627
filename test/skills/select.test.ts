/**
 * Selection without an LLM: the exact weights and caps, the exclude veto, deterministic ties,
 * the count and token budgets (and each skill's own limit), companions chained within the
 * budgets without cycles, and patterns that cannot hang the host: RE2 (linear time, so shapes
 * that are catastrophic for a backtracking engine simply answer), matched case-insensitively
 * with Unicode case folding, on a capped part of the message.
 */
import { describe, expect, test } from "bun:test";
import { compilePattern, maxPatternSubjectChars } from "../../src/skills/patterns.ts";
import { createSkillSelector, estimateTextTokens } from "../../src/skills/select.ts";
import type { Skill, SkillActivation } from "../../src/skills/types.ts";

function skill(name: string, activation: Partial<SkillActivation> = {}, extra: Partial<Skill> = {}): Skill {
  return {
    name,
    version: "1.0.0",
    description: name,
    activation: { keywords: [], excludeKeywords: [], patterns: [], tags: [], ...activation },
    requires: { bins: [], env: [], config: [], skills: [] },
    credentials: [],
    unknownKeys: [],
    body: `Instructions of ${name}.`,
    trust: "trusted",
    source: "bundled",
    folder: `/skills/${name}`,
    sha256: "0".repeat(64),
    ...extra,
  };
}

const limits = { maxActive: 3, maxContextTokens: 4000 };

/** The score one skill gets for `message` (0 when not selected). */
function scoreOf(target: Skill, message: string): number {
  const [chosen] = createSkillSelector([target], limits)(message);
  return chosen?.score ?? 0;
}

const names = (selected: { name: string }[]) => selected.map((chosen) => chosen.name);

describe("scoring", () => {
  test("exact keyword 10, substring 5, capped at 30", () => {
    const target = skill("s", { keywords: ["plan", "trip", "go", "fly", "map"] });
    expect(scoreOf(target, "plan")).toBe(10);
    expect(scoreOf(target, "planning")).toBe(5);
    expect(scoreOf(target, "Plan a TRIP")).toBe(20);
    expect(scoreOf(target, "plan trip go fly map")).toBe(30);
    expect(scoreOf(target, "nothing here")).toBe(0);
  });

  test("multi-word keywords match as a phrase at word boundaries", () => {
    const target = skill("s", { keywords: ["pull request"] });
    expect(scoreOf(target, "review this pull request please")).toBe(10);
    expect(scoreOf(target, "two pull requests")).toBe(5);
  });

  test("tags 3 capped at 15, patterns 20 capped at 40, all added", () => {
    const target = skill("s", {
      tags: ["a1", "b2", "c3", "d4", "e5", "f6"],
      patterns: ["\\bflight\\b", "to \\w+", "\\d{4}"],
      keywords: ["trip"],
    });
    expect(scoreOf(target, "a1 b2")).toBe(6);
    expect(scoreOf(target, "a1 b2 c3 d4 e5 f6")).toBe(15);
    expect(scoreOf(target, "flight")).toBe(20);
    expect(scoreOf(target, "flight to Rome in 2026")).toBe(40);
    expect(scoreOf(target, "trip flight to Rome 2026 a1 b2 c3 d4 e5 f6")).toBe(10 + 15 + 40);
  });

  test("any exclude keyword vetoes the skill, patterns included", () => {
    const target = skill("s", { keywords: ["edit"], patterns: ["essay"], excludeKeywords: ["routine"] });
    expect(scoreOf(target, "edit my essay")).toBe(30);
    expect(scoreOf(target, "edit the routine essay")).toBe(0);
    expect(scoreOf(target, "edit my ROUTINES")).toBe(0);
  });

  test("patterns see only the start of a long message", () => {
    const target = skill("s", { patterns: ["needle"] });
    expect(scoreOf(target, `${"x".repeat(maxPatternSubjectChars)}needle`)).toBe(0);
    expect(scoreOf(target, `needle ${"x".repeat(10_000)}`)).toBe(20);
  });

  test("shapes catastrophic for a backtracking engine load and answer on a crafted message", () => {
    const crafted = "a".repeat(maxPatternSubjectChars - 1);
    const cases: [pattern: string, matching: string, failing: string][] = [
      ["(a+)+$", `${crafted}a`, `${crafted}!`],
      ["^(a|aa)+b", `${crafted}b`, `${crafted}c`],
      ["(.*a){12}", crafted, `${"a".repeat(11)}${"b".repeat(maxPatternSubjectChars - 11)}`],
      [".*a.*a.*a.*b", `${crafted}b`, `${crafted}a`],
      ["(\\w*)*x", `${crafted}x`, `${crafted}!`],
    ];
    for (const [pattern, matching, failing] of cases) {
      const target = skill("s", { patterns: [pattern] });
      expect(compilePattern(pattern)).not.toBeTypeOf("string");
      expect([pattern, scoreOf(target, matching)]).toEqual([pattern, 20]);
      expect([pattern, scoreOf(target, failing)]).toEqual([pattern, 0]);
    }
  });

  test("lookaround and back-references are refused, naming the construct and why", () => {
    for (const [pattern, construct] of [
      ["flight(?= to)", "`(?=`"],
      ["flight(?! to)", "`(?!`"],
      ["(?<=my )flight", "`(?<=my )flight`"],
      ["(a)\\1", "`\\1`"],
      ["(?<word>a)\\k<word>", "`\\k`"],
    ] as const) {
      const refusal = compilePattern(pattern);
      expect(refusal).toBeTypeOf("string");
      expect(refusal).toContain(`the pattern "${pattern}" is not valid RE2 syntax`);
      expect(refusal).toContain(construct);
      expect(refusal).toContain("patterns must run in linear time");
      expect(refusal).toContain("lookaround");
    }
    expect(compilePattern("flight(?= to)")).toContain("invalid or unsupported Perl syntax: `(?=`");
    expect(compilePattern("(unclosed")).toContain("missing closing ): `(unclosed`");
  });

  test("too long or too complex patterns are refused; ordinary ones compile", () => {
    expect(compilePattern("a".repeat(201))).toBe("the pattern is longer than 200 characters");
    expect(compilePattern("\\p{L}{1000}x")).toContain("is too complex: it compiles to 1003 instructions");
    for (const pattern of [
      "\\bflight to \\w+",
      "(foo|bar)",
      "(good )?morning",
      "(?:ab)+c",
      "[a-z]+/[a-z]+#\\d+",
    ]) {
      expect([pattern, typeof compilePattern(pattern)]).toEqual([pattern, "object"]);
    }
  });

  test("matching ignores case, Unicode letters included, and reads any script", () => {
    const target = skill("s", { patterns: ["café", "σοφία|\\p{Han}{2}"] });
    expect(scoreOf(target, "UN CAFÉ, S'IL VOUS PLAÎT")).toBe(20);
    expect(scoreOf(target, "Café")).toBe(20);
    expect(scoreOf(target, "η ΣΟΦΊΑ")).toBe(20);
    expect(scoreOf(target, "学习 café")).toBe(40);
    expect(scoreOf(target, "cafe sofia")).toBe(0);
  });
});

describe("selection", () => {
  test("ranked by score, then trusted before installed, then name; never more than maxActive", () => {
    const skills = [
      skill("zeta", { keywords: ["x"] }),
      skill("alpha", { keywords: ["x"] }, { trust: "installed", source: "registry" }),
      skill("beta", { keywords: ["x"] }),
      skill("best", { keywords: ["x", "y"] }),
      skill("omega", { keywords: ["x"] }),
    ];
    expect(names(createSkillSelector(skills, limits)("x y"))).toEqual(["best", "beta", "omega"]);
    const reversed = createSkillSelector([...skills].reverse(), limits)("x y");
    expect(names(reversed)).toEqual(["best", "beta", "omega"]);
    const wide = createSkillSelector(skills, { ...limits, maxActive: 5 })("x");
    expect(names(wide)).toEqual(["best", "beta", "omega", "zeta", "alpha"]);
    expect(createSkillSelector(skills, { ...limits, maxActive: 0 })("x")).toEqual([]);
  });

  test("the token budget: a skill that does not fit is passed over, a smaller later one still enters", () => {
    const big = skill("big", { keywords: ["x", "y"] }, { body: "b".repeat(12_000) });
    const small = skill("small", { keywords: ["x"] });
    const selected = createSkillSelector([big, small], { maxActive: 3, maxContextTokens: 1000 })("x y");
    expect(names(selected)).toEqual(["small"]);
    expect(selected.reduce((sum, chosen) => sum + chosen.tokens, 0)).toBeLessThanOrEqual(1000);
  });

  test("each skill's own max_context_tokens cuts its body at a line, marked as cut", () => {
    const lines = Array.from({ length: 400 }, (_, index) => `Step ${index}: do something useful.`).join("\n");
    const long = skill("long", { keywords: ["x"], maxContextTokens: 300 }, { body: lines });
    const [chosen] = createSkillSelector([long], limits)("x");
    expect(chosen?.tokens).toBeLessThanOrEqual(300);
    expect(chosen?.body).toContain("was cut to fit");
    expect(chosen?.body.split("\n").at(-2)).toMatch(/^Step \d+: do something useful\.$/);
    expect(estimateTextTokens(chosen?.body ?? "")).toBeLessThan(300);
  });

  test("companions are chain-loaded once, inside the budgets, and a cycle ends", () => {
    const requires = (skills: string[]) => ({ requires: { bins: [], env: [], config: [], skills } });
    const skills = [
      skill("trip", { keywords: ["trip"] }, requires(["maps"])),
      skill("maps", {}, requires(["weather", "trip"])),
      skill("weather", {}, requires(["maps"])),
      skill("other", { keywords: ["tri"] }),
    ];
    const selected = createSkillSelector(skills, limits)("trip");
    expect(selected.map(({ name, companionOf, score }) => ({ name, companionOf, score }))).toEqual([
      { name: "trip", companionOf: undefined, score: 10 },
      { name: "maps", companionOf: "trip", score: 0 },
      { name: "weather", companionOf: "trip", score: 0 },
    ]);
    // With room for two only, the group of three does not fit and is passed over whole.
    const two = createSkillSelector(skills, { ...limits, maxActive: 2 })("trip");
    expect(names(two)).toEqual(["other"]);
  });
});
