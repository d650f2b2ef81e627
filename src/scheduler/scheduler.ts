/**
 * The scheduler: wakes at the next slot of any routine (or at most every `maxSleepMs`, to see
 * routines another process or the CLI changed), claims each due slot exactly once in the
 * database, and runs it: a prompt routine as a synthetic message through the normal inbound
 * pipeline (so approvals apply), the heartbeat as one lean LLM call. Results reach the owner
 * through `Deliveries`; failures back off and are told once per streak.
 *
 * Time comes from `now` so tests drive it with a controllable clock and call `tick()` themselves.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Responder } from "../agent/responder.ts";
import { fallbackPromptText } from "../approvals/prompts.ts";
import type { Database } from "../db/client.ts";
import type { Conversation } from "../db/conversations.ts";
import {
  activeRun,
  claimPendingRun,
  claimSlot,
  createRoutine,
  duePendingRuns,
  dueRoutines,
  finishRun,
  getRoutine,
  getRoutineByName,
  insertPendingRun,
  nextWakeUp,
  type Routine,
  type RoutineRun,
  runMessageId,
  runningRuns,
  turnOfRun,
  updateRoutine,
} from "../db/routines.ts";
import { AppError } from "../errors.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { Channel, InboundMessage } from "../plugin/channel.ts";
import { settleWithin } from "../timeout.ts";
import { compileSchedule, dueSlots, nextSlot } from "./cron.ts";
import { Deliveries, retryDelay, retryStepsMs } from "./delivery.ts";
import {
  attentionInstruction,
  classifyAnswer,
  effectiveChecklist,
  formatLocal,
  HEARTBEAT_FILE,
  heartbeatMessages,
  heartbeatTemplate,
  inQuietHours,
  type QuietHours,
  quietHoursEnd,
} from "./heartbeat.ts";
import { HEARTBEAT_NAME } from "./routine-input.ts";

/** A slot started later than this after its time counts as missed (downtime, a sleeping laptop). */
const ON_TIME_GRACE_MS = 60_000;
/** The heartbeat tells the owner after this many failures in a row, once, and slows down. */
const HEARTBEAT_FAILURES_BEFORE_NOTICE = 3;
/** How far the heartbeat's next check moves out after 3, 4, 5+ failures in a row. */
const HEARTBEAT_BACKOFF_MS = [60 * 60_000, 2 * 60 * 60_000, 4 * 60 * 60_000] as const;
/** A run claimed but never started (its process died) is given up after this long. */
const ORPHAN_AFTER_MS = 5 * 60_000;

export interface HeartbeatSettings {
  enabled: boolean;
  schedule: string;
  channel?: string;
  quietHours?: QuietHours;
}

export interface SchedulerOptions {
  db: Database;
  log: Logger;
  now?: () => Date;
  /** TZ: default timezone of routines and of quiet hours. */
  timezone: string;
  heartbeat: HeartbeatSettings;
  workspaceDir: string;
  llm: LlmClient | null;
  channelFor: (id: string) => Channel | undefined;
  /** Stores a prompt routine's synthetic message and queues its turn (the inbound pipeline). */
  startTurn: (message: InboundMessage) => Promise<void>;
  /** Longest sleep between checks. */
  maxSleepMs?: number;
  /** Arm real timers on start (tests with a controllable clock call `tick()` instead). */
  timers?: boolean;
}

export class Scheduler {
  readonly deliveries: Deliveries;
  readonly #now: () => Date;
  readonly #inflight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #tickChain: Promise<void> = Promise.resolve();
  #running = false;

  constructor(private readonly options: SchedulerOptions) {
    this.#now = options.now ?? (() => new Date());
    this.deliveries = new Deliveries({
      db: options.db,
      log: options.log,
      now: this.#now,
      channelFor: options.channelFor,
    });
  }

  get timezone(): string {
    return this.options.timezone;
  }

  now(): Date {
    return this.#now();
  }

  /** Syncs the heartbeat with the configuration, settles runs a dead process left, starts the timer. */
  async start(): Promise<void> {
    this.#seedHeartbeatFile();
    await this.#syncHeartbeat();
    await this.#recoverRuns();
    this.#running = true;
    if (this.options.timers !== false) this.#arm(0);
  }

  /** Stops waking up and waits (bounded) for runs in progress in this process. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await settleWithin(this.idle(), graceMs);
  }

  /** Resolves when the runs this process started (heartbeat calls, turn hand-offs) are done. */
  async idle(): Promise<void> {
    await this.#tickChain;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /** One pass: claim and start every due slot and pending run, send due deliveries. Serialized. */
  tick(): Promise<void> {
    const next = this.#tickChain.then(() => this.#tickOnce());
    this.#tickChain = next.catch(() => {});
    return next;
  }

  /** Wakes the loop now (a routine was created, changed or asked to run). */
  poke(): void {
    if (this.#running && this.options.timers !== false) this.#arm(0);
  }

  #arm(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.tick()
        .catch((error: unknown) => this.options.log.error("scheduler pass failed", { error }))
        .then(() => this.#armForNext())
        .catch((error: unknown) => {
          this.options.log.error("could not plan the next scheduler pass", { error });
          if (this.#running) this.#arm(this.options.maxSleepMs ?? 5_000);
        });
    }, delayMs);
  }

  async #armForNext(): Promise<void> {
    if (!this.#running) return;
    const maxSleep = this.options.maxSleepMs ?? 5_000;
    const wake = await nextWakeUp(this.options.db);
    const delay = wake ? wake.getTime() - this.#now().getTime() : maxSleep;
    if (!this.#running) return;
    // Right after a pass nothing should be due; if something still is, its start failed: retry
    // in a second rather than spinning on the database.
    this.#arm(delay <= 0 ? Math.min(1_000, maxSleep) : Math.min(delay, maxSleep));
  }

  async #tickOnce(): Promise<void> {
    const { db, log } = this.options;
    const now = this.#now();
    for (const routine of await dueRoutines(db, now)) {
      await this.#handleDue(routine, now).catch((error: unknown) =>
        log.error("could not start a routine", { routine: routine.name, error }),
      );
    }
    for (const run of await duePendingRuns(db, now)) {
      await this.#handlePending(run, now).catch((error: unknown) =>
        log.error("could not start a queued run", { run: run.id, error }),
      );
    }
    await this.deliveries.flush();
  }

  async #handleDue(routine: Routine, now: Date): Promise<void> {
    const expected = routine.nextRunAt as Date;
    let cron: ReturnType<typeof compileSchedule>;
    try {
      cron = compileSchedule(routine.schedule, routine.timezone);
    } catch (error) {
      // Only reachable if the row was edited by hand: stop it and say why, once.
      await updateRoutine(this.options.db, routine.id, { enabled: false, nextRunAt: null });
      this.options.log.error("disabled a routine with an invalid schedule", { routine: routine.name, error });
      return;
    }
    const missed = dueSlots(cron, expected, now);
    const slot = missed.latest ?? expected;
    const newNext = nextSlot(cron, now);
    const late = missed.count > 1 || now.getTime() - slot.getTime() > ON_TIME_GRACE_MS;
    const trigger = late ? "catch_up" : "schedule";
    const missedNote =
      missed.count > 1
        ? `${missed.count} slots missed`
        : `missed by ${formatDuration(now.getTime() - slot.getTime())}`;

    let skip: string | undefined;
    /** Skips that happen every slot by design (quiet nights, an empty checklist) leave no history row. */
    let pass: string | undefined;
    let checklist = "";
    if (late && routine.catchUp === "skip") {
      skip = `${missedNote} while IronClaw was not running; catch-up is "skip"`;
    } else if (await activeRun(this.options.db, routine.id)) {
      skip = "the previous run is still going";
    } else if (routine.kind === "heartbeat") {
      if (inQuietHours(now, this.options.heartbeat.quietHours, this.options.timezone)) {
        pass = "quiet hours (HEARTBEAT_QUIET_HOURS)";
      } else {
        checklist = this.#readChecklist();
        if (!checklist) pass = `${HEARTBEAT_FILE} has nothing to check (no LLM call)`;
      }
    }
    const run = await claimSlot(this.options.db, {
      routineId: routine.id,
      expectedNext: expected,
      newNext,
      startedAt: now,
      run: pass
        ? undefined
        : {
            scheduledFor: slot,
            trigger,
            status: skip ? "skipped" : "running",
            summary: skip ?? (late ? `caught up once: ${missedNote}` : undefined),
          },
    });
    if (!run) return; // another process took this slot
    if (run === "passed" || skip) {
      this.options.log.debug("routine slot skipped", { routine: routine.name, reason: pass ?? skip });
      return;
    }
    this.options.log.info("routine run started", {
      routine: routine.name,
      run: run.id,
      trigger,
      scheduledFor: slot.toISOString(),
      delayMs: now.getTime() - slot.getTime(),
    });
    this.#execute(routine, run, checklist);
  }

  async #handlePending(run: RoutineRun, now: Date): Promise<void> {
    const routine = await getRoutine(this.options.db, run.routineId);
    if (!routine) return;
    if (await activeRun(this.options.db, routine.id)) return; // waits for the current run
    if (run.trigger === "retry" && routine.consecutiveFailures === 0) {
      await finishRun(
        this.options.db,
        run.id,
        { status: "skipped", summary: "retry no longer needed: a later run succeeded", finishedAt: now },
        ["pending"],
      );
      return;
    }
    const checklist = routine.kind === "heartbeat" ? this.#readChecklist() : "";
    if (!(await claimPendingRun(this.options.db, run.id, now))) return;
    if (routine.kind === "heartbeat" && !checklist) {
      await finishRun(this.options.db, run.id, {
        status: "skipped",
        summary: `${HEARTBEAT_FILE} has nothing to check (no LLM call)`,
        finishedAt: now,
      });
      return;
    }
    this.options.log.info("routine run started", {
      routine: routine.name,
      run: run.id,
      trigger: run.trigger,
    });
    this.#execute(routine, { ...run, status: "running", startedAt: now }, checklist);
  }

  #execute(routine: Routine, run: RoutineRun, checklist: string): void {
    const work =
      routine.kind === "heartbeat"
        ? this.#runHeartbeat(routine, run, checklist)
        : this.#startPromptRun(routine, run);
    const tracked = work
      .catch((error: unknown) => this.#fail(routine.id, run, describe(error)))
      .catch((error: unknown) =>
        this.options.log.error("could not record a routine failure", { run: run.id, error }),
      )
      .finally(() => this.#inflight.delete(tracked));
    this.#inflight.add(tracked);
  }

  async #startPromptRun(routine: Routine, run: RoutineRun): Promise<void> {
    const header = `[Routine "${routine.name}", scheduled for ${formatLocal(run.scheduledFor, routine.timezone)}]`;
    const instruction = routine.notify === "attention" ? `\n\n${attentionInstruction()}` : "";
    await this.options.startTurn({
      channel: "routine",
      chatId: routine.id,
      senderId: "scheduler",
      messageId: runMessageId(run.id),
      text: `${header}\n${routine.prompt}${instruction}`,
      isDirect: true,
    });
  }

  async #runHeartbeat(routine: Routine, run: RoutineRun, checklist: string): Promise<void> {
    const { llm } = this.options;
    if (!llm) throw new AppError("llm_not_configured", "no LLM is configured");
    const response = await llm.chat({
      messages: heartbeatMessages(checklist, formatLocal(this.#now(), this.options.timezone)),
      maxTokens: 400,
      // Streamed like any reply, but nothing is shown until the whole answer is classified.
      onTextDelta: () => {},
    });
    const tokens = { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens };
    await this.#succeed(routine, run, response.text, tokens);
  }

  /** Records a finished run and delivers its answer when the notify policy says so. */
  async #succeed(
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
  async #fail(routineId: string, run: RoutineRun, reason: string, turnId?: string): Promise<void> {
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
    const quiet = this.options.heartbeat.quietHours;
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
    await this.#succeed(routine, run, text, {
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
    await this.#fail(routineId, run, text, turn?.id);
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
  async #recoverRuns(): Promise<void> {
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

  #seedHeartbeatFile(): void {
    const path = join(this.options.workspaceDir, HEARTBEAT_FILE);
    if (!existsSync(path)) writeFileSync(path, heartbeatTemplate);
  }

  #readChecklist(): string {
    const path = join(this.options.workspaceDir, HEARTBEAT_FILE);
    return existsSync(path) ? effectiveChecklist(readFileSync(path, "utf8")) : "";
  }

  /** The heartbeat routine follows HEARTBEAT_* and TZ; its run history survives changes. */
  async #syncHeartbeat(): Promise<void> {
    const { db, heartbeat, timezone } = this.options;
    const existing = await getRoutineByName(db, HEARTBEAT_NAME);
    if (!heartbeat.enabled) {
      if (existing?.enabled) await updateRoutine(db, existing.id, { enabled: false, nextRunAt: null });
      return;
    }
    const cron = compileSchedule(heartbeat.schedule, timezone);
    const now = this.#now();
    const values = {
      kind: "heartbeat" as const,
      schedule: heartbeat.schedule,
      timezone,
      prompt: `(the checklist in ${HEARTBEAT_FILE})`,
      channel: heartbeat.channel ?? null,
      chatId: null,
      enabled: true,
    };
    if (!existing) {
      await createRoutine(db, { name: HEARTBEAT_NAME, ...values, nextRunAt: nextSlot(cron, now) });
      return;
    }
    const unchanged =
      existing.enabled && existing.schedule === values.schedule && existing.timezone === values.timezone;
    await updateRoutine(db, existing.id, {
      ...values,
      nextRunAt: unchanged && existing.nextRunAt ? existing.nextRunAt : nextSlot(cron, now),
    });
  }

  /** Queues a run now (routine_run, the CLI). */
  async runNow(routine: Routine): Promise<RoutineRun | undefined> {
    const run = await insertPendingRun(this.options.db, {
      routineId: routine.id,
      scheduledFor: this.#now(),
      trigger: "manual",
    });
    this.poke();
    return run;
  }
}

function describe(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
