/**
 * `ironclaw usage [--days N]`: tokens per day from the stored LLM calls, with how many prompt
 * tokens the provider served from its cache (read) and stored in it (written). Cached reads are
 * billed at a fraction of plain input, so this is where the owner sees prompt caching pay off.
 * Days are the owner's (`TZ`). Works on the database directly, like `ironclaw routines`.
 */
import { loadFullConfig } from "../app.ts";
import { type CallTokens, usagePerDay } from "../db/llm-usage.ts";
import { createLogger } from "../log.ts";

const usage = "Usage: ironclaw usage [--days N]   (default 30)";

/** "1200 in (800 cached, 200 cache write) + 50 out" */
export function describeTokens(tokens: Omit<CallTokens, "calls">): string {
  const cache = [
    ...(tokens.cacheReadTokens > 0 ? [`${tokens.cacheReadTokens} cached`] : []),
    ...(tokens.cacheWriteTokens > 0 ? [`${tokens.cacheWriteTokens} cache write`] : []),
  ];
  return `${tokens.inputTokens} in${cache.length ? ` (${cache.join(", ")})` : ""} + ${tokens.outputTokens} out`;
}

export async function runUsageCommand(
  args: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const daysIndex = args.indexOf("--days");
  const days = daysIndex >= 0 ? Number(args[daysIndex + 1]) : 30;
  const unknown = args.filter(
    (_, index) => daysIndex < 0 || (index !== daysIndex && index !== daysIndex + 1),
  );
  if (unknown.length > 0 || !Number.isInteger(days) || days < 1) {
    print(usage);
    return 2;
  }
  const { config, database } = await loadFullConfig(env, createLogger({ level: "error" }));
  try {
    const since = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    const rows = await usagePerDay(database.db, { since, timezone: config.timezone });
    if (rows.length === 0) {
      print(`No LLM calls in the last ${days} days.`);
      return 0;
    }
    const total = { calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
    for (const row of rows) {
      print(`${row.day}  ${String(row.calls).padStart(5)} calls  ${describeTokens(row)}`);
      for (const key of Object.keys(total) as (keyof CallTokens)[]) total[key] += row[key];
    }
    print(`total       ${String(total.calls).padStart(5)} calls  ${describeTokens(total)}`);
    return 0;
  } finally {
    await database.close();
  }
}
