/**
 * Picks the skills for one turn from the owner's message: every loaded skill is scored
 * (score.ts); those above zero are ranked by score, then trusted before installed, then name, so
 * the same message always gets the same skills. At most `maxActive` skills and `maxContextTokens`
 * estimated tokens of their text enter a turn (a skill that does not fit what is left is passed
 * over); each skill's body is also held to its own `max_context_tokens` (cut at a line, marked).
 * A chosen skill brings its companions (`requires.skills`, transitively, each once) inside the
 * same budgets — the whole group fits or the skill is passed over. Synchronous: patterns run in
 * linear time on this thread (patterns.ts), so there is nothing to wait for.
 */
import { createSkillScorer } from "./score.ts";
import type { Skill, SkillTrust } from "./types.ts";

export interface SkillSelectionLimits {
  maxActive: number;
  maxContextTokens: number;
}

/** One skill entering a turn, with the text that enters it. */
export interface SelectedSkill {
  name: string;
  version: string;
  trust: SkillTrust;
  /** 0 for a companion brought in by another skill. */
  score: number;
  /** The body as it enters the prompt (cut to the skill's own limit). */
  body: string;
  tokens: number;
  /** The skill that required this one, for a companion. */
  companionOf?: string;
}

export type SkillSelector = (message: string) => SelectedSkill[];

/** Same estimate as the history budget (src/agent/history.ts): four characters a token. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Fixed cost of one skill's block around its body (the delimiters and the trust note). */
const blockOverheadTokens = 60;

export function createSkillSelector(skills: readonly Skill[], limits: SkillSelectionLimits): SkillSelector {
  const byName = new Map(skills.map((skill) => [skill.name, skill]));
  // Built once per selector (each load), so a turn only tests already-compiled patterns.
  const scorers = skills.map((skill) => ({ skill, scorer: createSkillScorer(skill) }));
  const rank = { trusted: 0, installed: 1 } as const;

  return function selectSkills(message) {
    const scored = scorers
      .map(({ skill, scorer }) => ({ skill, score: scorer.score(message) }))
      .filter((entry) => entry.score > 0)
      .sort(
        (a, b) =>
          b.score - a.score ||
          rank[a.skill.trust] - rank[b.skill.trust] ||
          (a.skill.name < b.skill.name ? -1 : a.skill.name > b.skill.name ? 1 : 0),
      );
    const chosen: SelectedSkill[] = [];
    let tokensLeft = limits.maxContextTokens;
    for (const { skill, score } of scored) {
      if (chosen.length >= limits.maxActive) break;
      if (chosen.some((entry) => entry.name === skill.name)) continue;
      const group = withCompanions(skill, byName, new Set(chosen.map((entry) => entry.name)));
      const entries = group.map((member) =>
        toSelected(member, member === skill ? score : 0, member === skill ? undefined : skill.name),
      );
      const tokens = entries.reduce((sum, entry) => sum + entry.tokens, 0);
      if (chosen.length + entries.length > limits.maxActive || tokens > tokensLeft) continue;
      chosen.push(...entries);
      tokensLeft -= tokens;
    }
    return chosen;
  };
}

/** `skill` first, then its companions depth-first, each once, leaving out those already active. */
function withCompanions(
  skill: Skill,
  byName: ReadonlyMap<string, Skill>,
  active: ReadonlySet<string>,
): Skill[] {
  const group: Skill[] = [];
  const seen = new Set<string>();
  const visit = (current: Skill) => {
    if (seen.has(current.name) || active.has(current.name)) return;
    seen.add(current.name);
    group.push(current);
    for (const name of current.requires.skills) {
      const companion = byName.get(name);
      if (companion) visit(companion);
    }
  };
  visit(skill);
  return group;
}

function toSelected(skill: Skill, score: number, companionOf: string | undefined): SelectedSkill {
  // Only a skill's own limit cuts it; one too big for what is left of the turn is passed over.
  const ownLimit = skill.activation.maxContextTokens;
  const body = ownLimit ? cutToTokens(skill.body, Math.max(0, ownLimit - blockOverheadTokens)) : skill.body;
  return {
    name: skill.name,
    version: skill.version,
    trust: skill.trust,
    score,
    body,
    tokens: estimateTextTokens(body) + blockOverheadTokens,
    ...(companionOf ? { companionOf } : {}),
  };
}

const cutMarker = "\n[… the rest of this skill was cut to fit its context limit]";

function cutToTokens(body: string, tokens: number): string {
  if (estimateTextTokens(body) <= tokens) return body;
  const room = Math.max(0, tokens * 4 - cutMarker.length);
  const slice = body.slice(0, room);
  const lineEnd = slice.lastIndexOf("\n");
  return `${lineEnd > room / 2 ? slice.slice(0, lineEnd) : slice}${cutMarker}`;
}
