/**
 * The LLM calls of a turn and the usage they add to it, written together: the rows (one
 * multi-row insert) and the turn's counters in one statement, as the call happens — the
 * scheduler reads a routine turn's tokens when its answer is delivered.
 * Only calls that succeeded count towards the turn's tokens and iterations.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { companionStatement } from "./companion-statements.ts";
import { withDbErrors } from "./errors.ts";
import { llmCalls, turns } from "./schema/index.ts";

export type NewLlmCall = typeof llmCalls.$inferInsert;

/** The increments `calls` add to their turn's columns, or undefined when none succeeded. */
export function turnUsageOf(calls: readonly NewLlmCall[]) {
  const succeeded = calls.filter((call) => !call.error);
  if (succeeded.length === 0) return undefined;
  const input = succeeded.reduce((total, call) => total + (call.inputTokens ?? 0), 0);
  const output = succeeded.reduce((total, call) => total + (call.outputTokens ?? 0), 0);
  return {
    inputTokens: sql`${turns.inputTokens} + ${input}`,
    outputTokens: sql`${turns.outputTokens} + ${output}`,
    iterations: sql`${turns.iterations} + ${succeeded.length}`,
  };
}

/** The multi-row insert of `calls`, as a companion of another statement (no rows: none). */
export function llmCallsCompanion(db: Database, calls: readonly NewLlmCall[]) {
  return calls.length === 0
    ? undefined
    : companionStatement(db, "recorded_llm_calls", db.insert(llmCalls).values([...calls]));
}

/** Stores `calls` of one turn and adds their usage to it: one statement. */
export async function recordLlmCalls(
  db: Database,
  turnId: string,
  calls: readonly NewLlmCall[],
): Promise<void> {
  const insert = llmCallsCompanion(db, calls);
  if (!insert) return;
  const usage = turnUsageOf(calls);
  await withDbErrors(() =>
    usage
      ? db.with(insert).update(turns).set(usage).where(eq(turns.id, turnId))
      : db.insert(llmCalls).values([...calls]),
  );
}
