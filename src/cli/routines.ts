/**
 * `ironclaw routines list | run <name> | enable <name> | disable <name> | history <name>`.
 * Works on the database directly (PostgreSQL at any time; the embedded database while the
 * assistant is stopped). `run` queues a run that the scheduler starts within seconds, or when the
 * assistant next starts.
 */
import { loadFullConfig } from "../app.ts";
import { usageOfTurns } from "../db/llm-usage.ts";
import { getRoutineByName, insertPendingRun, listRoutines, listRuns, type Routine } from "../db/routines.ts";
import { createLogger } from "../log.ts";
import { compileSchedule } from "../scheduler/cron.ts";
import { formatLocal } from "../scheduler/heartbeat.ts";
import { RoutineInputError } from "../scheduler/routine-input.ts";
import { formatDuration } from "../scheduler/scheduler.ts";
import { updateRoutineRow } from "../scheduler/store.ts";

const usage =
  "Usage: ironclaw routines list | run <name> | enable <name> | disable <name> | history <name> [--limit N]";

export async function runRoutinesCommand(
  args: string[],
  env: Record<string, string | undefined>,
  print: (line: string) => void,
): Promise<number> {
  const [subcommand = "list", ...rest] = args;
  const limitIndex = rest.indexOf("--limit");
  const limit = limitIndex >= 0 ? Number(rest[limitIndex + 1]) : 20;
  const name = rest
    .filter((_, index) => limitIndex < 0 || (index !== limitIndex && index !== limitIndex + 1))
    .join(" ");
  const needsName = ["run", "enable", "disable", "history"].includes(subcommand);
  if (!["list", ...(needsName ? [subcommand] : [])].includes(subcommand) || (needsName && !name)) {
    print(usage);
    return 2;
  }
  if (!Number.isInteger(limit) || limit < 1) {
    print("--limit must be a positive whole number");
    return 2;
  }
  const { config, database } = await loadFullConfig(env, createLogger({ level: "error" }));
  try {
    const db = database.db;
    if (subcommand === "list") {
      const routines = await listRoutines(db);
      if (routines.length === 0)
        print('No routines yet. Ask in chat, e.g. "remind me every Monday at 9 to review invoices".');
      for (const routine of routines) print(await describeRoutine(db, routine));
      return 0;
    }
    const routine = await getRoutineByName(db, name);
    if (!routine) {
      print(`No routine named "${name}". See \`ironclaw routines list\`.`);
      return 1;
    }
    const clock = { now: () => new Date(), timezone: config.timezone, poke: () => {} };
    switch (subcommand) {
      case "run": {
        await insertPendingRun(db, { routineId: routine.id, scheduledFor: new Date(), trigger: "manual" });
        print(
          `Queued a run of "${routine.name}": the running assistant starts it within seconds (or when it next starts).`,
        );
        return 0;
      }
      case "enable":
      case "disable": {
        try {
          const updated = await updateRoutineRow(db, clock, routine, { enabled: subcommand === "enable" });
          print(
            updated.enabled
              ? `Enabled "${updated.name}"; next run ${updated.nextRunAt ? formatLocal(updated.nextRunAt, updated.timezone) : "none"}.`
              : `Disabled "${updated.name}".`,
          );
          if (routine.kind === "heartbeat")
            print("Note: the heartbeat follows HEARTBEAT_ENABLED at the next start.");
          return 0;
        } catch (error) {
          if (error instanceof RoutineInputError) {
            print(`Invalid ${error.field}: ${error.message}`);
            return 1;
          }
          throw error;
        }
      }
      default: {
        const runs = await listRuns(db, routine.id, limit);
        if (runs.length === 0) print(`"${routine.name}" has not run yet.`);
        const turnUsage = await usageOfTurns(
          db,
          runs.flatMap((run) => (run.turnId ? [run.turnId] : [])),
        );
        for (const run of runs) {
          const took =
            run.startedAt && run.finishedAt
              ? ` in ${formatDuration(run.finishedAt.getTime() - run.startedAt.getTime())}`
              : "";
          const calls = run.turnId ? turnUsage.get(run.turnId) : undefined;
          const cached = calls?.cacheReadTokens ? ` (${calls.cacheReadTokens} cached)` : "";
          const tokens =
            run.inputTokens + run.outputTokens > 0
              ? `  ${run.inputTokens}+${run.outputTokens} tokens${cached}`
              : "";
          const detail = run.error ?? run.summary ?? "";
          print(
            `${formatLocal(run.scheduledFor, routine.timezone)}  ${run.status.padEnd(11)} ${run.trigger.padEnd(8)}${took}${tokens}${detail ? `  ${detail}` : ""}`,
          );
        }
        return 0;
      }
    }
  } finally {
    await database.close();
  }
}

async function describeRoutine(db: Parameters<typeof listRuns>[0], routine: Routine): Promise<string> {
  const [last] = await listRuns(db, routine.id, 1);
  let next = "disabled";
  if (routine.enabled) {
    next = routine.nextRunAt ? `next ${formatLocal(routine.nextRunAt, routine.timezone)}` : "no further runs";
  }
  const lastRun = last ? `; last ${last.status} ${formatLocal(last.scheduledFor, routine.timezone)}` : "";
  const where = routine.channel
    ? `${routine.channel}${routine.chatId ? `:${routine.chatId}` : ""}`
    : "most recent chat";
  let schedule = `"${routine.schedule}" ${routine.timezone}`;
  try {
    compileSchedule(routine.schedule, routine.timezone);
  } catch {
    schedule += " (INVALID)";
  }
  const prompt =
    routine.kind === "heartbeat" ? "HEARTBEAT.md" : routine.prompt.replace(/\s+/g, " ").slice(0, 60);
  return `${routine.name}  ${schedule}  ${next}${lastRun}  → ${where}, notify ${routine.notify}  — ${prompt}`;
}
