/**
 * How well one skill matches the owner's message, without an LLM call: deterministic, cheap, and
 * the same answer for the same message every time (so a turn's skills can be explained and
 * tested). Exact keyword (a whole-word match) 10, keyword as a substring 5, capped at 30; tag 3,
 * capped at 15; regex pattern 20, capped at 40. Any exclude keyword in the message vetoes the
 * skill. Patterns are RE2, linear in the message (patterns.ts), so they run right here on the
 * host's thread; they only see the first `maxPatternSubjectChars` of the message.
 */
import { type CompiledPattern, compilePattern, maxPatternSubjectChars } from "./patterns.ts";
import type { Skill } from "./types.ts";

export const scoreWeights = {
  exactKeyword: 10,
  substringKeyword: 5,
  keywordCap: 30,
  tag: 3,
  tagCap: 15,
  pattern: 20,
  patternCap: 40,
} as const;

export interface SkillScorer {
  /** Keyword, tag and pattern points (each capped), or 0 when an exclude keyword vetoes the skill. */
  score(message: string): number;
}

export function createSkillScorer(skill: Skill): SkillScorer {
  const keywords = normalized(skill.activation.keywords);
  const tags = normalized(skill.activation.tags);
  const excluded = normalized(skill.activation.excludeKeywords);
  // Load refused a skill with an unusable pattern; anything left that is refused is ignored.
  const patterns = skill.activation.patterns
    .map(compilePattern)
    .filter((compiled): compiled is CompiledPattern => typeof compiled !== "string");
  return {
    score(message) {
      const text = message.toLowerCase();
      if (excluded.some((word) => text.includes(word))) return 0;
      let keywordScore = 0;
      for (const keyword of keywords) {
        if (containsWord(text, keyword)) keywordScore += scoreWeights.exactKeyword;
        else if (text.includes(keyword)) keywordScore += scoreWeights.substringKeyword;
      }
      let tagScore = 0;
      for (const tag of tags) if (containsWord(text, tag)) tagScore += scoreWeights.tag;
      return (
        Math.min(keywordScore, scoreWeights.keywordCap) +
        Math.min(tagScore, scoreWeights.tagCap) +
        patternScore(patterns, message)
      );
    },
  };
}

function patternScore(patterns: readonly CompiledPattern[], message: string): number {
  if (patterns.length === 0) return 0;
  const subject = message.slice(0, maxPatternSubjectChars);
  let points = 0;
  for (const pattern of patterns) {
    if (points >= scoreWeights.patternCap) break; // the rest cannot add anything
    if (pattern.test(subject)) points += scoreWeights.pattern;
  }
  return Math.min(points, scoreWeights.patternCap);
}

function normalized(words: readonly string[]): string[] {
  return [...new Set(words.map((word) => word.trim().toLowerCase()).filter(Boolean))];
}

/** `word` (one or more words) occurs in `text` with no letter or digit right before or after it. */
export function containsWord(text: string, word: string): boolean {
  let from = 0;
  for (;;) {
    const index = text.indexOf(word, from);
    if (index < 0) return false;
    const before = text[index - 1];
    const after = text[index + word.length];
    if (!isWordCharacter(before) && !isWordCharacter(after)) return true;
    from = index + 1;
  }
}

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && /[\p{L}\p{N}_]/u.test(character);
}
