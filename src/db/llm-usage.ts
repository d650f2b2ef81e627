/**
 * What the LLM calls cost, read back for the owner: tokens and prompt-cache tokens per day
 * (`ironclaw usage`) and per turn (`ironclaw routines history`). Read-only queries over
 * `llm_calls`; failed calls are left out, as they are from a turn's own token counts.
 */
import { and, gte, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { withDbErrors } from "./errors.ts";
import { llmCalls } from "./schema/index.ts";

export interface CallTokens {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

const totals = {
  calls: sql<number>`count(*)::int`,
  inputTokens: sql<number>`coalesce(sum(${llmCalls.inputTokens}), 0)::int`,
  outputTokens: sql<number>`coalesce(sum(${llmCalls.outputTokens}), 0)::int`,
  cacheReadTokens: sql<number>`coalesce(sum(${llmCalls.cacheReadTokens}), 0)::int`,
  cacheWriteTokens: sql<number>`coalesce(sum(${llmCalls.cacheWriteTokens}), 0)::int`,
};

/** Per local day (in `timezone`) since `since`, oldest first. */
export async function usagePerDay(
  db: Database,
  options: { since: Date; timezone: string },
): Promise<(CallTokens & { day: string })[]> {
  const day = sql<string>`to_char(${llmCalls.createdAt} at time zone ${options.timezone}, 'YYYY-MM-DD')`;
  return withDbErrors(() =>
    db
      .select({ day, ...totals })
      .from(llmCalls)
      .where(and(gte(llmCalls.createdAt, options.since), isNull(llmCalls.error)))
      // By position: the day expression carries a parameter, so repeating it would not match.
      .groupBy(sql`1`)
      .orderBy(sql`1`),
  );
}

/** The totals of each of `turnIds` that made a successful call. */
export async function usageOfTurns(
  db: Database,
  turnIds: readonly string[],
): Promise<Map<string, CallTokens>> {
  if (turnIds.length === 0) return new Map();
  const rows = await withDbErrors(() =>
    db
      .select({ turnId: llmCalls.turnId, ...totals })
      .from(llmCalls)
      .where(and(inArray(llmCalls.turnId, [...turnIds]), isNull(llmCalls.error)))
      .groupBy(llmCalls.turnId),
  );
  return new Map(rows.map(({ turnId, ...tokens }) => [turnId, tokens]));
}
