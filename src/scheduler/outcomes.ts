/**
 * How a routine run ends: answered (classified, recorded, delivered per notify policy), failed
 * (retry or back-off, the owner told once per streak) or interrupted by a restart (recorded,
 * told, never repeated). A prompt routine's turn reports here through `responderFor`, which never
 * streams, so "nothing to report" cannot flash up in a chat. `recoverRuns` settles what a dead
 * process left running.
 */
import type { Responder } from "../agent/responder.ts";
import { fallbackPromptText } from "../approvals/prompts.ts";
import type { Database } from "../db/client.ts";
import type { Conversation } from "../db/conversations.ts";
import {
  activeRun,
  finishRun,
  getRoutine,
  insertPendingRun,
  type Routine,
  type RoutineRun,
  runningRuns,
  turnOfRun,
  updateRoutine,
} from "../db/routines.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Channel } from "../plugin/channel.ts";
import { compileSchedule, nextSlot } from "./cron.ts";
import { type Deliveries, retryDelay, retryStepsMs } from "./delivery.ts";
import { classifyAnswer, formatLocal, inQuietHours, type QuietHours, quietHoursEnd } from "./heartbeat.ts";

/** The heartbeat tells the owner after this many failures in a row, once, and slows down. */
const HEARTBEAT_FAILURES_BEFORE_NOTICE = 3;
/** How far the heartbeat's next check moves out after 3, 4, 5+ failures in a row. */
const HEARTBEAT_BACKOFF_MS = [60 * 60_000, 2 * 60 * 60_000, 4 * 60 * 60_000] as const;
/** A run claimed but never started (its process died) is given up after this long. */
const ORPHAN_AFTER_MS = 5 * 60_000;

export interface RunOutcomesOptions {
  db: Database;
  log: Logger;
  now: () => Date;
  timezone: string;
  quietHours?: QuietHours;
  deliveries: Deliveries;
  channelFor: (id: string) => Channel | undefined;
}

export class RunOutcomes {
  constructor(private readonly options: RunOutcomesOptions) {}

  get deliveries(): Deliveries {
    return this.options.deliveries;
  }

  #now(): Date {
    return this.options.now();
  }

  /** Records a finished run and delivers its answer when the notify policy says so. */
  async succeed(
    routine: Routine,
    run: RoutineRun,
    text: string,
    extra: { inputTokens?: number; outputTokens?: number; turnId?: string },
  ): Promise<void> {
    const now = this.#now();
    const answer = classifyAnswer(text);
    const finished = await finishRun(this.options.db, run.id, {
      status: answer.quiet ? "ok" : "attention",
      summary: answer.quiet ? "nothing needs attention" : excerpt(answer.text),
      finishedAt: now,
      ...extra,
    });
    if (!finished) return;
    if (routine.consecutiveFailures > 0) {
      await updateRoutine(this.options.db, routine.id, { consecutiveFailures: 0 });
    }
    this.options.log.info("routine run finished", {
      routine: routine.name,
      run: run.id,
      status: answer.quiet ? "ok" : "attention",
    });
    if (answer.quiet || routine.notify === "failure") return;
    await this.deliveries.enqueue({
      routineId: routine.id,
      runId: run.id,
      channel: routine.channel,
      chatId: routine.chatId,
      text: answer.text,
      notBefore: this.#holdUntil(routine, now),
    });
  }

  /** Records a failed run, plans the retry or back-off, and tells the owner once per streak. */
  async fail(routineId: string, run: RoutineRun, reason: string, turnId?: string): Promise<void> {
    const { db, log } = this.options;
    const routine = await getRoutine(db, routineId);
    const now = this.#now();
    if (!(await finishRun(db, run.id, { status: "failed", error: reason, finishedAt: now, turnId }))) return;
    if (!routine) return;
    const failures = routine.consecutiveFailures + 1;
    log.warn("routine run failed", { routine: routine.name, run: run.id, failures, reason });
    const cron = compileSchedule(routine.schedule, routine.timezone);
    let notice: string | undefined;
    if (routine.kind === "heartbeat") {
      const backoffSteps = failures - HEARTBEAT_FAILURES_BEFORE_NOTICE + 1;
      let nextRunAt = routine.nextRunAt;
      if (backoffSteps >= 1) {
        const step = HEARTBEAT_BACKOFF_MS[Math.min(backoffSteps, HEARTBEAT_BACKOFF_MS.length) - 1] as number;
        const earliest = new Date(now.getTime() + step);
        const slotAfterBackoff = nextSlot(cron, new Date(earliest.getTime() - 1));
        if (nextRunAt && slotAfterBackoff && slotAfterBackoff > nextRunAt) nextRunAt = slotAfterBackoff;
      }
      await updateRoutine(db, routine.id, { consecutiveFailures: failures, nextRunAt });
      if (failures === HEARTBEAT_FAILURES_BEFORE_NOTICE) {
        notice =
          `The heartbeat failed ${failures} times in a row (last error: ${reason}). ` +
          `I will check less often until it works again; next check ${nextRunAt ? formatLocal(nextRunAt, this.options.timezone) : "not planned"}.`;
      }
    } else {
      await updateRoutine(db, routine.id, { consecutiveFailures: failures });
      const retryAt =
        failures <= retryStepsMs.length ? new Date(now.getTime() + retryDelay(failures)) : undefined;
      const beforeNextSlot = retryAt && (!routine.nextRunAt || retryAt < routine.nextRunAt);
      if (retryAt && beforeNextSlot) {
        await insertPendingRun(db, { routineId: routine.id, scheduledFor: retryAt, trigger: "retry" });
      }
      const then = beforeNextSlot
        ? `I will retry at ${formatLocal(retryAt as Date, routine.timezone)}.`
        : routine.nextRunAt
          ? `Next run: ${formatLocal(routine.nextRunAt, routine.timezone)}.`
          : "";
      if (failures === 1) notice = `Routine “${routine.name}” failed: ${reason}. ${then}`.trim();
      else if (failures === retryStepsMs.length + 1) {
        notice =
          `Routine “${routine.name}” still fails after ${retryStepsMs.length} retries (${reason}). ${then}`.trim();
      }
    }
    if (notice) {
      await this.deliveries.enqueue({
        routineId: routine.id,
        runId: run.id,
        channel: routine.channel,
        chatId: routine.chatId,
        text: notice,
        notBefore: this.#holdUntil(routine, now),
      });
    }
  }

  /** Heartbeat messages wait for the end of quiet hours; owner-defined routines keep their time. */
  #holdUntil(routine: Routine, now: Date): Date {
    const quiet = this.options.quietHours;
    if (routine.kind !== "heartbeat" || !quiet || !inQuietHours(now, quiet, this.options.timezone))
      return now;
    return quietHoursEnd(now, quiet, this.options.timezone);
  }

  /** The conversation of a prompt routine answers here instead of in a chat. */
  responderFor(conversation: Conversation): Responder {
    const routineId = conversation.chatId;
    return {
      onDelta: () => {}, // never stream: "nothing to report" must not flash up in a chat
      finish: async (text) => {
        await this.#promptAnswered(routineId, text);
        return undefined;
      },
      notice: async (text) => {
        await this.#promptNotice(routineId, text);
        return undefined;
      },
      askApproval: async (prompt) => {
        const routine = await getRoutine(this.options.db, routineId);
        const target = routine && (await this.deliveries.resolveTarget(routine));
        const channel = target && this.options.channelFor(target.channel);
        if (!target || !channel)
          throw new AppError("channel_error", "no chat with the owner to ask for approval");
        const ref = channel.askApproval
          ? await channel.askApproval({ chatId: target.chatId }, prompt)
          : await channel.send({ chatId: target.chatId }, { text: fallbackPromptText(prompt) });
        return { ...ref, channel: target.channel };
      },
    };
  }

  async #promptAnswered(routineId: string, text: string): Promise<void> {
    const routine = await getRoutine(this.options.db, routineId);
    if (!routine) return;
    const run = await activeRun(this.options.db, routineId);
    if (!run) {
      // An answer with no run in flight (e.g. a turn resumed after its run was given up): deliver it.
      const answer = classifyAnswer(text);
      if (!answer.quiet)
        await this.deliveries.enqueue({
          routineId,
          channel: routine.channel,
          chatId: routine.chatId,
          text: answer.text,
        });
      return;
    }
    const { turn } = await turnOfRun(this.options.db, routineId, run.id);
    await this.succeed(routine, run, text, {
      inputTokens: turn?.inputTokens ?? 0,
      outputTokens: turn?.outputTokens ?? 0,
      turnId: turn?.id,
    });
  }

  async #promptNotice(routineId: string, text: string): Promise<void> {
    const routine = await getRoutine(this.options.db, routineId);
    if (!routine) return;
    const run = await activeRun(this.options.db, routineId);
    if (!run) {
      await this.deliveries.enqueue({ routineId, channel: routine.channel, chatId: routine.chatId, text });
      return;
    }
    const { turn } = await turnOfRun(this.options.db, routineId, run.id);
    if (turn?.status === "interrupted") {
      await this.#interrupt(routine, run, turn.id);
      return;
    }
    await this.fail(routineId, run, text, turn?.id);
  }

  /** A restart cut a run short: recorded, told, and not run again (its slot is taken). */
  async #interrupt(routine: Routine, run: RoutineRun, turnId?: string): Promise<void> {
    const finished = await finishRun(this.options.db, run.id, {
      status: "interrupted",
      error: "the process stopped while the run was in progress",
      finishedAt: this.#now(),
      turnId,
    });
    if (!finished) return;
    this.options.log.warn("routine run interrupted by a restart", { routine: routine.name, run: run.id });
    const next = routine.nextRunAt ? ` Next run: ${formatLocal(routine.nextRunAt, routine.timezone)}.` : "";
    await this.deliveries.enqueue({
      routineId: routine.id,
      runId: run.id,
      channel: routine.channel,
      chatId: routine.chatId,
      text: `Routine “${routine.name}” was interrupted by a restart and was not repeated.${next}`,
      notBefore: this.#holdUntil(routine, this.#now()),
    });
  }

  /** Runs left `running` by a process that is gone: settle them so the routine is not stuck. */
  async recoverRuns(): Promise<void> {
    const now = this.#now();
    for (const run of await runningRuns(this.options.db)) {
      const routine = await getRoutine(this.options.db, run.routineId);
      if (!routine) continue;
      const age = now.getTime() - (run.startedAt ?? run.createdAt).getTime();
      if (routine.kind === "heartbeat") {
        if (age > ORPHAN_AFTER_MS) await this.#interrupt(routine, run);
        continue;
      }
      const { messageStored, turn } = await turnOfRun(this.options.db, routine.id, run.id);
      if (!messageStored) {
        if (age > ORPHAN_AFTER_MS) await this.#interrupt(routine, run);
      } else if (turn && ["interrupted", "cancelled", "failed"].includes(turn.status)) {
        await this.#interrupt(routine, run, turn.id);
      } else if (turn?.status === "completed") {
        await finishRun(this.options.db, run.id, {
          status: "ok",
          summary: "finished before a restart",
          finishedAt: now,
          turnId: turn.id,
          inputTokens: turn.inputTokens,
          outputTokens: turn.outputTokens,
        });
      }
    }
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
