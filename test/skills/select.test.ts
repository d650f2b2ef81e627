/**
 * Selection without an LLM: the exact weights and caps, the exclude veto, deterministic ties,
 * the count and token budgets (and each skill's own limit), companions chained within the
 * budgets without cycles, and patterns that cannot hang the host: refused shapes at load, a cap
 * on the message they see, and a worker with a deadline for the rest.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log.ts";
import { createPatternMatcher } from "../../src/skills/pattern-matcher.ts";
import { compilePattern, maxPatternSubjectChars } from "../../src/skills/patterns.ts";
import {
  createSkillSelector,
  estimateTextTokens,
  type SkillSelectorOptions,
} from "../../src/skills/select.ts";
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
const matcher = createPatternMatcher();
afterAll(() => matcher.close());

/** The score one skill gets for `message` (0 when not selected). */
async function scoreOf(target: Skill, message: string, options: SkillSelectorOptions = { matcher }) {
  const [chosen] = await createSkillSelector([target], limits, options)(message);
  return chosen?.score ?? 0;
}

const names = (selected: { name: string }[]) => selected.map((chosen) => chosen.name);

describe("scoring", () => {
  test("exact keyword 10, substring 5, capped at 30", async () => {
    const target = skill("s", { keywords: ["plan", "trip", "go", "fly", "map"] });
    expect(await scoreOf(target, "plan")).toBe(10);
    expect(await scoreOf(target, "planning")).toBe(5);
    expect(await scoreOf(target, "Plan a TRIP")).toBe(20);
    expect(await scoreOf(target, "plan trip go fly map")).toBe(30);
    expect(await scoreOf(target, "nothing here")).toBe(0);
  });

  test("multi-word keywords match as a phrase at word boundaries", async () => {
    const target = skill("s", { keywords: ["pull request"] });
    expect(await scoreOf(target, "review this pull request please")).toBe(10);
    expect(await scoreOf(target, "two pull requests")).toBe(5);
  });

  test("tags 3 capped at 15, patterns 20 capped at 40, all added", async () => {
    const target = skill("s", {
      tags: ["a1", "b2", "c3", "d4", "e5", "f6"],
      patterns: ["\\bflight\\b", "to \\w+", "\\d{4}"],
      keywords: ["trip"],
    });
    expect(await scoreOf(target, "a1 b2")).toBe(6);
    expect(await scoreOf(target, "a1 b2 c3 d4 e5 f6")).toBe(15);
    expect(await scoreOf(target, "flight")).toBe(20);
    expect(await scoreOf(target, "flight to Rome in 2026")).toBe(40);
    expect(await scoreOf(target, "trip flight to Rome 2026 a1 b2 c3 d4 e5 f6")).toBe(10 + 15 + 40);
  });

  test("any exclude keyword vetoes the skill, patterns included", async () => {
    const target = skill("s", { keywords: ["edit"], patterns: ["essay"], excludeKeywords: ["routine"] });
    expect(await scoreOf(target, "edit my essay")).toBe(30);
    expect(await scoreOf(target, "edit the routine essay")).toBe(0);
    expect(await scoreOf(target, "edit my ROUTINES")).toBe(0);
  });

  test("patterns see only the start of a long message", async () => {
    const target = skill("s", { patterns: ["needle"] });
    expect(await scoreOf(target, `${"x".repeat(maxPatternSubjectChars)}needle`)).toBe(0);
    expect(await scoreOf(target, `needle ${"x".repeat(10_000)}`)).toBe(20);
  });

  test("catastrophic shapes are refused before they ever run", () => {
    for (const pattern of [
      "^(a+)+$",
      "((a+)b)+",
      "(a|aa)+b",
      "(\\w*)*x",
      "(a+){2,}",
      "(?:x+y?)*z",
      "(a)\\1+",
    ]) {
      expect(typeof compilePattern(pattern)).toBe("string");
    }
    for (const pattern of [
      "\\bflight to \\w+",
      "(foo|bar)",
      "(good )?morning",
      "(?:ab)+c",
      "[a-z]+/[a-z]+#\\d+",
    ]) {
      expect(compilePattern(pattern)).toBeInstanceOf(RegExp);
    }
  });

  test("a pattern that backtracks for ages is cut off by the deadline and ignored from then on", async () => {
    const quick = createPatternMatcher({ timeoutMs: 200 });
    const lines: string[] = [];
    const log = createLogger({ format: "json", write: (line) => lines.push(line) });
    try {
      // Passes the static checks, yet takes seconds on a long run of "a" (polynomial backtracking).
      const slow = skill("slow", { keywords: ["aaaa"], patterns: [".*a.*a.*a.*b"] });
      const other = skill("other", { patterns: ["aaa"] });
      const select = createSkillSelector([slow, other], limits, { matcher: quick, log });
      const message = "a".repeat(maxPatternSubjectChars);
      const first = await select(message);
      expect(first.map(({ name, score }) => ({ name, score }))).toEqual([
        { name: "other", score: 20 },
        { name: "slow", score: 5 },
      ]);
      expect(lines.filter((line) => line.includes("took too long"))).toHaveLength(1);
      // The worker was replaced; the slow skill's patterns are no longer tried.
      expect(names(await select(message))).toEqual(["other", "slow"]);
      expect(lines.filter((line) => line.includes("took too long"))).toHaveLength(1);
    } finally {
      quick.close();
    }
  });
});

describe("selection", () => {
  test("ranked by score, then trusted before installed, then name; never more than maxActive", async () => {
    const skills = [
      skill("zeta", { keywords: ["x"] }),
      skill("alpha", { keywords: ["x"] }, { trust: "installed", source: "registry" }),
      skill("beta", { keywords: ["x"] }),
      skill("best", { keywords: ["x", "y"] }),
      skill("omega", { keywords: ["x"] }),
    ];
    expect(names(await createSkillSelector(skills, limits, { matcher })("x y"))).toEqual([
      "best",
      "beta",
      "omega",
    ]);
    const reversed = await createSkillSelector([...skills].reverse(), limits, { matcher })("x y");
    expect(names(reversed)).toEqual(["best", "beta", "omega"]);
    const wide = await createSkillSelector(skills, { ...limits, maxActive: 5 }, { matcher })("x");
    expect(names(wide)).toEqual(["best", "beta", "omega", "zeta", "alpha"]);
    expect(await createSkillSelector(skills, { ...limits, maxActive: 0 }, { matcher })("x")).toEqual([]);
  });

  test("the token budget: a skill that does not fit is passed over, a smaller later one still enters", async () => {
    const big = skill("big", { keywords: ["x", "y"] }, { body: "b".repeat(12_000) });
    const small = skill("small", { keywords: ["x"] });
    const selected = await createSkillSelector(
      [big, small],
      { maxActive: 3, maxContextTokens: 1000 },
      { matcher },
    )("x y");
    expect(names(selected)).toEqual(["small"]);
    expect(selected.reduce((sum, chosen) => sum + chosen.tokens, 0)).toBeLessThanOrEqual(1000);
  });

  test("each skill's own max_context_tokens cuts its body at a line, marked as cut", async () => {
    const lines = Array.from({ length: 400 }, (_, index) => `Step ${index}: do something useful.`).join("\n");
    const long = skill("long", { keywords: ["x"], maxContextTokens: 300 }, { body: lines });
    const [chosen] = await createSkillSelector([long], limits, { matcher })("x");
    expect(chosen?.tokens).toBeLessThanOrEqual(300);
    expect(chosen?.body).toContain("was cut to fit");
    expect(chosen?.body.split("\n").at(-2)).toMatch(/^Step \d+: do something useful\.$/);
    expect(estimateTextTokens(chosen?.body ?? "")).toBeLessThan(300);
  });

  test("companions are chain-loaded once, inside the budgets, and a cycle ends", async () => {
    const requires = (skills: string[]) => ({ requires: { bins: [], env: [], config: [], skills } });
    const skills = [
      skill("trip", { keywords: ["trip"] }, requires(["maps"])),
      skill("maps", {}, requires(["weather", "trip"])),
      skill("weather", {}, requires(["maps"])),
      skill("other", { keywords: ["tri"] }),
    ];
    const selected = await createSkillSelector(skills, limits, { matcher })("trip");
    expect(selected.map(({ name, companionOf, score }) => ({ name, companionOf, score }))).toEqual([
      { name: "trip", companionOf: undefined, score: 10 },
      { name: "maps", companionOf: "trip", score: 0 },
      { name: "weather", companionOf: "trip", score: 0 },
    ]);
    // With room for two only, the group of three does not fit and is passed over whole.
    const two = await createSkillSelector(skills, { ...limits, maxActive: 2 }, { matcher })("trip");
    expect(names(two)).toEqual(["other"]);
  });
});
