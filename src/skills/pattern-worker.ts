/**
 * The worker that tests activation patterns against the owner's message (pattern-matcher.ts).
 * A JavaScript regex cannot be interrupted once it runs; here, a pattern that backtracks for ages
 * only blocks this worker, which the host terminates when its answer is late. Compiled patterns
 * are cached by source. A pattern that does not compile counts as not matching (load refuses
 * those anyway).
 */
declare const self: Worker;

interface PatternRequest {
  id: number;
  patterns: string[];
  subject: string;
}

const compiled = new Map<string, RegExp | null>();

function regexOf(source: string): RegExp | null {
  let regex = compiled.get(source);
  if (regex === undefined) {
    try {
      regex = new RegExp(source, "iu");
    } catch {
      regex = null;
    }
    compiled.set(source, regex);
  }
  return regex;
}

self.onmessage = (event: MessageEvent<PatternRequest>) => {
  const { id, patterns, subject } = event.data;
  let matched = 0;
  for (const source of patterns) if (regexOf(source)?.test(subject)) matched++;
  self.postMessage({ id, matched });
};
