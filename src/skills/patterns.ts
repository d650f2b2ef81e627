/**
 * Activation patterns are regular expressions written by whoever wrote the skill — for an
 * installed skill, a stranger. JavaScript regexes backtrack, so a pattern such as `(a+)+$` can
 * stall a turn on a crafted message (ReDoS). Three layers: here, at load, a length cap and a
 * refusal of the shapes that backtrack exponentially — a repeated group (`*`, `+`, `{n,}`) that
 * itself contains a quantifier or an alternation, and a repeated back-reference — so a bad
 * pattern skips its skill with a reason; at selection, a cap on how much of the message is tested;
 * and, for what no static check catches (`.*a.*a.*b` is polynomial but still takes seconds), a
 * worker with a deadline (pattern-matcher.ts).
 */

export const maxPatternLength = 200;
/** Only this much of the owner's message is tested against patterns. */
export const maxPatternSubjectChars = 2_000;

/** The compiled pattern (case-insensitive), or why it is refused. */
export function compilePattern(source: string): RegExp | string {
  if (source.length > maxPatternLength) {
    return `the pattern is longer than ${maxPatternLength} characters`;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, "iu");
  } catch (error) {
    return `the pattern "${source}" is not a valid regular expression: ${(error as Error).message}`;
  }
  if (repeatsAmbiguousGroup(source) || /\\\d+\s*(?:[+*]|\{\d+,)/.test(source)) {
    return `the pattern "${source}" repeats a group that has its own quantifier or alternatives (it could take exponential time on some messages)`;
  }
  return regex;
}

/** Does a `*`, `+` or `{n,…}` follow a group whose content has a quantifier or a `|`? */
function repeatsAmbiguousGroup(source: string): boolean {
  // One entry per open group: whether its content (nested groups included) is ambiguous.
  const open: boolean[] = [];
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (character === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (character === "]") inClass = false;
      continue;
    }
    if (character === "[") {
      inClass = true;
    } else if (character === "(") {
      open.push(false);
      index += groupPrefixLength(source, index + 1);
    } else if (character === ")") {
      const ambiguous = open.pop() ?? false;
      const repeated = isRepeatingQuantifier(source, index + 1);
      if (ambiguous && repeated) return true;
      markAmbiguous(open, ambiguous || isQuantifier(source[index + 1]));
    } else if (character === "|" || isQuantifier(character)) {
      markAmbiguous(open, true);
    }
  }
  return false;
}

function markAmbiguous(open: boolean[], ambiguous: boolean): void {
  if (ambiguous && open.length > 0) open[open.length - 1] = true;
}

function isQuantifier(character: string | undefined): boolean {
  return character === "*" || character === "+" || character === "?" || character === "{";
}

function isRepeatingQuantifier(source: string, index: number): boolean {
  const character = source[index];
  if (character === "*" || character === "+") return true;
  if (character !== "{") return false;
  const bounds = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(index));
  if (!bounds) return false;
  if (bounds[2] === undefined) return Number(bounds[1]) > 1;
  return bounds[3] === "" || Number(bounds[3]) > 1;
}

/** Length of `?:`, `?=`, `?!`, `?<=`, `?<!` or `?<name>` after an opening parenthesis. */
function groupPrefixLength(source: string, index: number): number {
  if (source[index] !== "?") return 0;
  const rest = source.slice(index);
  const named = /^\?<[A-Za-z_$][\w$]*>/.exec(rest);
  if (named) return named[0].length;
  return /^\?(?:<=|<!|[:=!])/.exec(rest)?.[0].length ?? 0;
}
