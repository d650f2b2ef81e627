/**
 * The scheduler: wakes at the next slot of any routine (or at most every `maxSleepMs`, to see
 * routines another process or the CLI changed), claims each due slot exactly once in the
 * database, and runs it: a prompt routine as a synthetic message through the normal inbound
 * pipeline (so approvals apply), the heartbeat as one lean LLM call. Results reach the owner
 * through `Deliveries`; how a run ends (answer, failure, interruption) is `RunOutcomes`.
 *
 * Time comes from `now` so tests drive it with a controllable clock and call `tick()` themselves.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Responder } from "../agent/responder.ts";
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
  updateRoutine,
} from "../db/routines.ts";
import { AppError } from "../errors.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { Channel, InboundMessage } from "../plugin/channel.ts";
import { settleWithin } from "../timeout.ts";
import { compileSchedule, dueSlots, nextSlot } from "./cron.ts";
import { Deliveries } from "./delivery.ts";
import {
  attentionInstruction,
  effectiveChecklist,
  formatLocal,
  HEARTBEAT_FILE,
  heartbeatMessages,
  heartbeatTemplate,
  inQuietHours,
  type QuietHours,
} from "./heartbeat.ts";
import { RunOutcomes } from "./outcomes.ts";
import { HEARTBEAT_NAME } from "./routine-input.ts";

/** A slot started later than this after its time counts as missed (downtime, a sleeping laptop). */
const ON_TIME_GRACE_MS = 60_000;

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
  /**
   * HEARTBEAT.md as the owner's memory holds it (src/memory/); undefined when memory has no such
   * document, and then the file in `workspaceDir` is read.
   */
  readHeartbeatDocument?: () => Promise<string | undefined>;
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
  readonly #outcomes: RunOutcomes;
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
    this.#outcomes = new RunOutcomes({
      db: options.db,
      log: options.log,
      now: this.#now,
      timezone: options.timezone,
      quietHours: options.heartbeat.quietHours,
      deliveries: this.deliveries,
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
    await this.#outcomes.recoverRuns();
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
        checklist = await this.#readChecklist();
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
    const checklist = routine.kind === "heartbeat" ? await this.#readChecklist() : "";
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
      .catch((error: unknown) => this.#outcomes.fail(routine.id, run, describe(error)))
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
    await this.#outcomes.succeed(routine, run, response.text, tokens);
  }

  /** The conversation of a prompt routine answers here instead of in a chat. */
  responderFor(conversation: Conversation): Responder {
    return this.#outcomes.responderFor(conversation);
  }

  #seedHeartbeatFile(): void {
    const path = join(this.options.workspaceDir, HEARTBEAT_FILE);
    if (!existsSync(path)) writeFileSync(path, heartbeatTemplate);
  }

  async #readChecklist(): Promise<string> {
    const document = await this.options.readHeartbeatDocument?.();
    if (document !== undefined) return effectiveChecklist(document);
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

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}
