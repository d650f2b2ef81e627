/**
 * The `routines` port: what the routine chat tools (tools/routines/) may do with the scheduler,
 * handed to their factory by the host (src/scheduler/routines-port.ts implements it over the
 * database and the scheduler). The tools keep what is theirs — descriptions, approval tiers,
 * summaries, how results read — and the host keeps what is its own: validation, storage, the
 * next slot, where results are delivered, the heartbeat's rules.
 *
 * Rejections are `RoutineInputError` (naming the field, for the model to fix) or
 * `RoutineConflictError` (the name is taken); anything else is a host failure.
 *
 * Example:
 *   const routine = await routines.find("water");
 *   if (routine) await routines.update(routine, { enabled: false });
 */

/** Input the host refuses; `field` is the parameter to fix. */
export class RoutineInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "RoutineInputError";
  }
}

/** A routine with that name already exists. */
export class RoutineConflictError extends Error {
  override readonly name = "RoutineConflictError";
}

/** A routine as the tools see it. */
export interface RoutineRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly prompt: string;
  readonly enabled: boolean;
  readonly notify: string;
  readonly catchUp: string;
  readonly channel: string | null;
  readonly chatId: string | null;
  readonly nextRunAt: Date | null;
}

export interface RoutineLastRun {
  scheduledFor: Date;
  status: string;
  summary: string | null;
}

export interface RoutineDraft {
  name: string;
  schedule: string;
  timezone?: string;
  prompt: string;
  notify?: string;
  catchUp?: string;
}

/** A partial change, in the tool's parameter names. */
export interface RoutineChange {
  schedule?: string;
  timezone?: string;
  prompt?: string;
  notify?: string;
  catch_up?: string;
  enabled?: boolean;
}

export interface RoutinesPort {
  /** The owner's timezone, used when a routine names none. */
  readonly timezone: string;
  /** By exact (trimmed) name. */
  find(name: string): Promise<RoutineRecord | undefined>;
  list(): Promise<{ routine: RoutineRecord; lastRun: RoutineLastRun | null }[]>;
  /** Refuses what `create` would refuse, without writing (the name being taken included). */
  checkDraft(draft: RoutineDraft): Promise<void>;
  /** Refuses what `update` would refuse, without writing. */
  checkChange(routine: RoutineRecord, change: RoutineChange): void;
  /** The canonical spelling of a timezone, or undefined when it is not one. */
  canonicalTimezone(timezone: string): string | undefined;
  /** Creates it, delivering results to the chat of `conversationId` (host surfaces: the latest chat). */
  create(draft: RoutineDraft, conversationId: string): Promise<{ routine: RoutineRecord; nextRuns: string }>;
  update(routine: RoutineRecord, change: RoutineChange): Promise<RoutineRecord>;
  remove(routine: RoutineRecord): Promise<void>;
  /** Queues a run now; the run's id, or null when one is already queued. */
  runNow(routine: RoutineRecord): Promise<string | null>;
}
