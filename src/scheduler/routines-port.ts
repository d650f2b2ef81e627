/**
 * The host side of the `routines` port (src/plugin/ports/routines-port.ts): the routine chat
 * tools ask, this answers with the database and the scheduler. Validation and storage are the
 * store's (store.ts, routine-input.ts), shared with the CLI and the API, so a routine made from
 * chat obeys exactly the rules of one made anywhere else. The scheduler is reached lazily: it
 * needs the inbound pipeline, which needs the tools.
 */
import type { Database } from "../db/client.ts";
import { getConversation } from "../db/conversations.ts";
import {
  deleteRoutine,
  getRoutine,
  getRoutineByName,
  listRoutines,
  listRuns,
  type Routine,
} from "../db/routines.ts";
import { ConflictError } from "../errors.ts";
import {
  type RoutineChange,
  RoutineConflictError,
  type RoutineDraft,
  type RoutineRecord,
  type RoutinesPort,
} from "../plugin/ports/routines-port.ts";
import { checkTimezone, compileSchedule, describeNext } from "./cron.ts";
import {
  checkCatchUp,
  checkName,
  checkNotify,
  checkPrompt,
  checkSchedule,
  RoutineInputError,
} from "./routine-input.ts";
import type { Scheduler } from "./scheduler.ts";
import { createRoutineRow, updateRoutineRow } from "./store.ts";

/** Conversations on host surfaces have no chat to deliver to; their routines use the latest chat. */
const hostSurfaces = ["api", "routine"];

async function stored(db: Database, routine: RoutineRecord): Promise<Routine> {
  const row = await getRoutine(db, routine.id);
  if (!row) throw new RoutineInputError("name", `no routine named "${routine.name}"`);
  return row;
}

export function createRoutinesPort(db: Database, scheduler: () => Scheduler): RoutinesPort {
  return {
    get timezone() {
      return scheduler().timezone;
    },
    find: (name) => getRoutineByName(db, name),
    async list() {
      const rows = await listRoutines(db);
      return Promise.all(
        rows.map(async (routine) => {
          const [last] = await listRuns(db, routine.id, 1);
          return { routine, lastRun: last ?? null };
        }),
      );
    },
    async checkDraft(draft: RoutineDraft) {
      const name = checkName(draft.name);
      checkPrompt(draft.prompt);
      checkSchedule(draft.schedule, draft.timezone ?? scheduler().timezone);
      if (draft.notify !== undefined) checkNotify(draft.notify);
      if (draft.catchUp !== undefined) checkCatchUp(draft.catchUp);
      if (await getRoutineByName(db, name)) {
        throw new RoutineInputError("name", `a routine named "${name}" already exists`);
      }
    },
    checkChange(routine: RoutineRecord, change: RoutineChange) {
      if (routine.kind === "heartbeat" && (change.schedule || change.timezone || change.prompt)) {
        throw new RoutineInputError(
          "name",
          "the heartbeat follows HEARTBEAT_SCHEDULE and HEARTBEAT.md; change those instead",
        );
      }
      if (change.prompt !== undefined) checkPrompt(change.prompt);
      if (change.notify !== undefined) checkNotify(change.notify);
      if (change.catch_up !== undefined) checkCatchUp(change.catch_up);
      checkSchedule(change.schedule ?? routine.schedule, change.timezone ?? routine.timezone);
    },
    canonicalTimezone(timezone) {
      try {
        return checkTimezone(timezone);
      } catch {
        return undefined;
      }
    },
    async create(draft, conversationId) {
      const conversation = await getConversation(db, conversationId);
      const chat = conversation && !hostSurfaces.includes(conversation.channel) ? conversation : undefined;
      let routine: Routine;
      try {
        routine = await createRoutineRow(db, scheduler(), {
          ...draft,
          channel: chat?.channel ?? null,
          chatId: chat?.chatId ?? null,
        });
      } catch (error) {
        if (error instanceof ConflictError) throw new RoutineConflictError(error.message, { cause: error });
        throw error;
      }
      const cron = compileSchedule(routine.schedule, routine.timezone);
      return { routine, nextRuns: describeNext(cron, scheduler().now(), routine.timezone, 3) };
    },
    async update(routine, change) {
      return updateRoutineRow(db, scheduler(), await stored(db, routine), change);
    },
    async remove(routine) {
      await deleteRoutine(db, routine.id);
    },
    async runNow(routine) {
      const run = await scheduler().runNow(await stored(db, routine));
      return run?.id ?? null;
    },
  };
}
