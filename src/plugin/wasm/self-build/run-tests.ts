/**
 * Runs the model's test cases against the freshly built tool, loaded in a sandbox runtime of its
 * own with the manifest it asked for: the same Worker sandbox, deadline, memory cap and guarded
 * HTTP port as an installed tool (a test that calls the network goes through the allowlist, the
 * SSRF check and the rate limit like any other call). Nothing a test does is trusted: its output
 * is capped before it is compared or shown.
 *
 * Expectations: an exact JSON value (compared with the output parsed as JSON, or as the plain
 * string), `{ contains: "…" }` or `{ matches: "regex" }`. The regex is the model's and runs on
 * the host, so it is kept short and patterns with nested quantifiers (`(a+)+`, the catastrophic
 * backtracking shape) are refused, and it is matched against at most 4,000 characters. All tests
 * share one time budget (default 60 s), whatever deadline the tool asked for per call.
 */
import { canonicalJson } from "../../../approvals/fingerprint.ts";
import type { Tool, ToolContext } from "../../tool.ts";
import type { ToolBuildTest } from "./build-request.ts";

export interface TestOutcome {
  readonly index: number;
  readonly passed: boolean;
  /** Why it failed, or a short view of the output that passed. */
  readonly detail: string;
}

const shownChars = 300;
const matchedChars = 4_000;
const nestedQuantifier = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

function shorten(text: string): string {
  return text.length > shownChars ? `${text.slice(0, shownChars)}… (${text.length} characters)` : text;
}

/** Undefined when `expect` is usable; otherwise what is wrong with it. */
export function checkExpectation(expect: unknown): string | undefined {
  if (expect && typeof expect === "object" && !Array.isArray(expect)) {
    const keys = Object.keys(expect);
    if (keys.length === 1 && keys[0] === "matches") {
      const pattern = (expect as { matches: unknown }).matches;
      if (typeof pattern !== "string" || pattern.length > 200)
        return "matches must be a regex of up to 200 characters";
      if (nestedQuantifier.test(pattern)) return "matches: nested quantifiers like (a+)+ are not allowed";
      try {
        new RegExp(pattern);
      } catch (error) {
        return `matches is not a valid regex: ${(error as Error).message}`;
      }
    }
    if (
      keys.length === 1 &&
      keys[0] === "contains" &&
      typeof (expect as { contains: unknown }).contains !== "string"
    )
      return "contains must be a string";
  }
  return undefined;
}

/** Whether `output` satisfies `expect`; the reason when it does not. */
export function matchOutput(output: string, expect: unknown): string | undefined {
  if (expect && typeof expect === "object" && !Array.isArray(expect)) {
    const keys = Object.keys(expect);
    if (keys.length === 1 && keys[0] === "contains") {
      const needle = (expect as { contains: string }).contains;
      return output.includes(needle) ? undefined : `the output does not contain ${JSON.stringify(needle)}`;
    }
    if (keys.length === 1 && keys[0] === "matches") {
      const pattern = (expect as { matches: string }).matches;
      return new RegExp(pattern).test(output.slice(0, matchedChars))
        ? undefined
        : `the output does not match /${pattern}/`;
    }
  }
  if (typeof expect === "string" && output === expect) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return `expected ${shorten(canonicalJson(expect))}`;
  }
  return canonicalJson(parsed) === canonicalJson(expect)
    ? undefined
    : `expected ${shorten(canonicalJson(expect))}`;
}

/** All tests of one build together may take this long (a tool may ask for 10 min per call). */
export const defaultTestBudgetMs = 60_000;

export async function runToolTests(
  tool: Tool,
  tests: readonly ToolBuildTest[],
  turnContext: ToolContext,
  budgetMs = defaultTestBudgetMs,
): Promise<TestOutcome[]> {
  const budget = AbortSignal.timeout(budgetMs);
  const context = { ...turnContext, signal: AbortSignal.any([turnContext.signal, budget]) };
  const outcomes: TestOutcome[] = [];
  for (const [index, test] of tests.entries()) {
    if (budget.aborted) {
      outcomes.push({
        index,
        passed: false,
        detail: `not run: the tests took longer than ${budgetMs} ms together`,
      });
      continue;
    }
    const invalid = checkExpectation(test.expect);
    if (invalid) {
      outcomes.push({ index, passed: false, detail: `tests[${index}].expect: ${invalid}` });
      continue;
    }
    const result = await tool.execute(test.params, context);
    if (result.isError) {
      outcomes.push({ index, passed: false, detail: `the tool failed: ${shorten(result.content)}` });
      continue;
    }
    const mismatch = matchOutput(result.content, test.expect);
    outcomes.push({
      index,
      passed: mismatch === undefined,
      detail: mismatch ? `${mismatch}; got ${shorten(result.content)}` : shorten(result.content),
    });
  }
  return outcomes;
}

/** One line per test, for the model and the owner. */
export function describeTests(tests: readonly ToolBuildTest[], outcomes: readonly TestOutcome[]): string[] {
  return outcomes.map((outcome) => {
    const params = shorten(JSON.stringify(tests[outcome.index]?.params ?? {}));
    return `${outcome.passed ? "PASS" : "FAIL"} #${outcome.index + 1} ${params} → ${outcome.detail}`;
  });
}
