/**
 * Activation patterns are regular expressions written by whoever wrote the skill — for an
 * installed skill, a stranger — and they are tested on the host's thread every turn. A
 * backtracking engine (JavaScript's RegExp) can stall on `(a+)+$` and cannot be interrupted, so
 * patterns are RE2 syntax compiled by re2js, whose matching time is linear in the message: no
 * pattern shape is catastrophic, and none needs refusing for its shape. The price is RE2's
 * syntax: no lookaround and no back-references, which is exactly what a linear-time engine
 * cannot offer. What remains bounded here: the pattern's length, the size of its compiled
 * program (linear time is still program size × message length: `\p{L}{1000}` is legal RE2 yet
 * costs hundreds of milliseconds on 2,000 characters), and how much of the message is tested.
 */
import { RE2JS, RE2JSSyntaxException } from "re2js";

export const maxPatternLength = 200;
/** Instructions in a compiled pattern; the bundled skills' largest has 114. */
export const maxPatternProgramSize = 500;
/** Only this much of the owner's message is tested against patterns. */
export const maxPatternSubjectChars = 2_000;

/** A compiled pattern: `test` finds a match anywhere in the subject, case-insensitively. */
export type CompiledPattern = Pick<RE2JS, "test">;

/**
 * Compiled patterns and refusals by source. Load checks every pattern and each selector
 * (rebuilt on every reload) compiles them again, so a skill's patterns compile once per
 * process while they stay in the cache. Bounded because installed skills come and go.
 */
const cache = new Map<string, CompiledPattern | string>();
const maxCachedPatterns = 512;

/** The compiled pattern (case-insensitive, Unicode-aware), or why it is refused. */
export function compilePattern(source: string): CompiledPattern | string {
  const cached = cache.get(source);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(source);
  if (cache.size >= maxCachedPatterns) cache.delete(cache.keys().next().value as string);
  cache.set(source, compiled);
  return compiled;
}

function compileUncached(source: string): CompiledPattern | string {
  if (source.length > maxPatternLength) {
    return `the pattern is longer than ${maxPatternLength} characters`;
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    return `the pattern "${source}" is not valid RE2 syntax (${syntaxProblem(source, error)}); patterns must run in linear time, so lookaround ((?=, (?!, (?<=, (?<!) and back-references (\\1, \\k<name>) are not supported`;
  }
  const size = compiled.programSize();
  if (size > maxPatternProgramSize) {
    return `the pattern "${source}" is too complex: it compiles to ${size} instructions, more than ${maxPatternProgramSize} (the time to test a message grows with that number)`;
  }
  return compiled;
}

/** re2js's own words for what is wrong and where, e.g. "invalid or unsupported Perl syntax: `(?=`". */
function syntaxProblem(source: string, error: unknown): string {
  if (!(error instanceof RE2JSSyntaxException)) return (error as Error).message;
  // re2js reports the flags it prepended (`(?i)`) as part of the pattern; the author never wrote them.
  let where = error.getPattern() ?? "";
  if (where.startsWith("(?i)") && !source.startsWith("(?i)")) where = where.slice(4);
  return where ? `${error.getDescription()}: \`${where}\`` : error.getDescription();
}
