/**
 * Finds credentials in text before it crosses a boundary (an outbound request, a tool result on
 * its way to the model, a message on its way to a chat, an owner message on its way to the LLM).
 * Two sources: the exact values of the secrets the host knows — taken through a provider function
 * on every scan, so a secret stored a second ago is covered and the detector never depends on the
 * store's internals — in every form `secret-forms.ts` lists; and the pattern corpus
 * (`leak-patterns.ts`) for credentials the host has never seen.
 *
 * A finding carries the pattern's name and position, never the matched value: findings go to the
 * audit table and the log. Texts longer than `maxScanChars` are scanned in overlapping windows,
 * so memory stays bounded and a credential straddling two windows is still seen.
 *
 * Example:
 *   const detector = createLeakDetector({ secretValues: () => store.listSecretValues() });
 *   const scan = detector.scan(toolOutput);
 *   if (scan.action === "block") refuse(); else send(scan.redacted);
 */
import { type LeakAction, type LeakPattern, leakPatterns } from "./leak-patterns.ts";
import { formsOfSecret } from "./secret-forms.ts";

export const leakRedactionMarker = "[REDACTED]";
/** The name under which exact secret values are reported (which secret is not revealed either). */
export const knownSecretFinding = "known_secret_value";

export interface LeakFinding {
  name: string;
  action: LeakAction;
  start: number;
  end: number;
}

export interface LeakScan {
  findings: LeakFinding[];
  /** The strongest action among the findings; null when nothing was found. */
  action: LeakAction | null;
  /** The text with every `block` and `redact` finding replaced by the marker. */
  redacted: string;
}

export interface LeakDetector {
  scan(text: string): LeakScan;
}

export interface LeakDetectorOptions {
  /** The exact secret values to look for (stored and configured); read on every scan. */
  secretValues?: () => readonly string[];
  patterns?: readonly LeakPattern[];
  /** Window size for long texts; default 1 MiB of characters. */
  windowChars?: number;
}

const strength: Record<LeakAction, number> = { warn: 1, redact: 2, block: 3 };
/** Longer than any pattern match we care about, so a match across a window edge is not lost. */
const windowOverlap = 8192;

function findExact(text: string, forms: readonly string[], offset: number, into: LeakFinding[]): void {
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + form.length)) {
      into.push({
        name: knownSecretFinding,
        action: "block",
        start: offset + at,
        end: offset + at + form.length,
      });
    }
  }
}

function findPatterns(
  text: string,
  patterns: readonly LeakPattern[],
  offset: number,
  into: LeakFinding[],
): void {
  for (const { name, action, regex } of patterns) {
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      into.push({ name, action, start: offset + match.index, end: offset + match.index + match[0].length });
      if (match[0].length === 0) regex.lastIndex += 1;
    }
  }
}

/** Findings sorted by position; duplicates from overlapping windows removed. */
function dedupe(findings: LeakFinding[]): LeakFinding[] {
  const seen = new Set<string>();
  return findings
    .sort((left, right) => left.start - right.start || right.end - left.end)
    .filter((finding) => {
      const key = `${finding.name}:${finding.start}:${finding.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

function redact(text: string, findings: readonly LeakFinding[]): string {
  let result = "";
  let cursor = 0;
  for (const finding of findings) {
    if (finding.action === "warn" || finding.end <= cursor) continue;
    result += text.slice(cursor, Math.max(cursor, finding.start)) + leakRedactionMarker;
    cursor = finding.end;
  }
  return result + text.slice(cursor);
}

export function createLeakDetector(options: LeakDetectorOptions = {}): LeakDetector {
  const patterns = options.patterns ?? leakPatterns;
  const windowChars = Math.max(options.windowChars ?? 1 << 20, windowOverlap * 2);
  return {
    scan(text) {
      const forms = [...new Set((options.secretValues?.() ?? []).flatMap(formsOfSecret))].sort(
        (left, right) => right.length - left.length,
      );
      const found: LeakFinding[] = [];
      for (let start = 0; start < text.length; start += windowChars - windowOverlap) {
        const window = text.slice(start, start + windowChars);
        findExact(window, forms, start, found);
        findPatterns(window, patterns, start, found);
        if (start + windowChars >= text.length) break;
      }
      const findings = dedupe(found);
      let action: LeakAction | null = null;
      for (const finding of findings) {
        if (action === null || strength[finding.action] > strength[action]) action = finding.action;
      }
      return { findings, action, redacted: findings.length === 0 ? text : redact(text, findings) };
    },
  };
}
