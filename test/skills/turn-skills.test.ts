/**
 * A turn's skills as loop state: the context message goes right before the trigger, the names and
 * trusts and the ceiling ride beside the messages (what a pause stores); one installed skill makes
 * the whole turn read-only; and a stored state fails closed when its marks are missing or garbled.
 */
import { describe, expect, test } from "bun:test";
import type { LoopState } from "../../src/agent/loop.ts";
import { ceilingFor, storedCeiling } from "../../src/skills/attenuation.ts";
import type { SelectedSkill } from "../../src/skills/select.ts";
import { createTurnSkillSelection, noTurnSkills, withTurnSkills } from "../../src/skills/turn-skills.ts";

const chosen = (name: string, trust: SelectedSkill["trust"]): SelectedSkill => ({
  name,
  version: "2.0.0",
  trust,
  score: 10,
  body: `Body of ${name}.`,
  tokens: 70,
});

const base: LoopState = {
  messages: [
    { role: "system", content: "core" },
    { role: "user", content: "the trigger" },
  ],
  iterations: 0,
};

describe("turn skills", () => {
  test("no skill: the state is untouched and the ceiling is full", async () => {
    const select = createTurnSkillSelection(() => () => []);
    expect(await select("hello")).toBe(noTurnSkills);
    expect(withTurnSkills(base, noTurnSkills)).toBe(base);
  });

  test("trusted skills only: full ceiling, the message before the trigger, the names in the state", async () => {
    const select = createTurnSkillSelection(() => () => [chosen("briefing", "trusted")]);
    const state = withTurnSkills(base, await select("brief me"));
    expect(state.ceiling).toBe("full");
    expect(state.skills).toEqual([{ name: "briefing", version: "2.0.0", trust: "trusted" }]);
    expect(state.messages.map((message) => message.role)).toEqual(["system", "user", "user"]);
    expect(state.messages[1]?.content).toContain('<skill name="briefing" version="2.0.0" trust="trusted">');
    expect(state.messages[2]?.content).toBe("the trigger");
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  test("one installed skill among trusted ones makes the whole turn read-only", async () => {
    const select = createTurnSkillSelection(() => () => [
      chosen("briefing", "trusted"),
      chosen("prices", "installed"),
    ]);
    const turn = await select("x");
    expect(turn.ceiling).toBe("read-only");
    expect(ceilingFor([{ trust: "trusted" }])).toBe("full");
    expect(storedCeiling(withTurnSkills(base, turn))).toBe("read-only");
  });

  test("a stored state fails closed: only an explicit full with trusted skills (or none) is full", () => {
    expect(storedCeiling({})).toBe("full");
    expect(storedCeiling({ ceiling: "full", skills: [{ trust: "trusted" }] })).toBe("full");
    expect(storedCeiling({ ceiling: "read-only" })).toBe("read-only");
    expect(storedCeiling({ ceiling: "full", skills: [{ trust: "installed" }] })).toBe("read-only");
    expect(storedCeiling({ ceiling: "full", skills: [{ trust: "TRUSTED" }] })).toBe("read-only");
    expect(storedCeiling({ ceiling: "full", skills: [{}] })).toBe("read-only");
    expect(storedCeiling({ ceiling: "full", skills: "trusted" })).toBe("read-only");
    expect(storedCeiling({ ceiling: "open" })).toBe("read-only");
    expect(storedCeiling({ ceiling: null })).toBe("read-only");
  });
});
