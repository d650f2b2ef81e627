/**
 * The turn state machine, in one place. A turn's status changes only through `transitionTurn`,
 * which checks the move against the table below and then does a compare-and-set in the database,
 * so two actors (a button press and the expiry sweep, two devices, a restart) move it once:
 *
 *   running ──▶ awaiting_approval ──▶ running ──▶ completed | failed | cancelled | interrupted
 *
 * The loop state stored with a turn is plain JSON; `readTurnState` checks its shape on the way
 * back instead of trusting a cast, so a row written by an older version fails clearly.
 */
import type { Database } from "../db/client.ts";
import type { TurnStatus } from "../db/schema/index.ts";
import { inTransaction } from "../db/transaction.ts";
import {
  compareAndSetTurnStatus,
  saveRunningTurnState,
  type TurnCompanions,
  type TurnRow,
} from "../db/turns.ts";
import { AppError } from "../errors.ts";
import type { LoopState } from "./loop.ts";

/** Where each status may go next. Final statuses go nowhere. */
export const turnTransitions: Readonly<Record<TurnStatus, readonly TurnStatus[]>> = {
  running: ["awaiting_approval", "completed", "failed", "cancelled", "interrupted"],
  awaiting_approval: ["running", "failed", "cancelled"],
  completed: [],
  failed: [],
  cancelled: [],
  interrupted: [],
};

/** What a status change may store besides the status: the loop state, the error, the end time. */
export interface TurnChange {
  state?: LoopState;
  error?: string;
  finishedAt?: Date;
  /** Rows written in the same statement as the move (see `TurnCompanions`). */
  companions?: TurnCompanions;
}

export function isTransitionAllowed(from: TurnStatus, to: TurnStatus): boolean {
  return turnTransitions[from].includes(to);
}

/**
 * Moves the turn from `from` (one status or several) to `to`. Throws when the table forbids the
 * move — a bug in the caller, never a race; returns false when the turn was no longer in `from`
 * (another actor moved it first). `alongside` runs in the same transaction, only when the move
 * won: the approvals of a pausing turn are stored with it or not at all.
 */
export async function transitionTurn(
  db: Database,
  id: string,
  from: TurnStatus | readonly TurnStatus[],
  to: TurnStatus,
  change: TurnChange = {},
  alongside?: (tx: Database) => Promise<void>,
): Promise<boolean> {
  const sources: readonly TurnStatus[] = typeof from === "string" ? [from] : from;
  for (const source of sources) {
    if (!isTransitionAllowed(source, to)) {
      throw new AppError("invalid_transition", `a turn cannot go from ${source} to ${to}`, {
        context: { turn: id },
      });
    }
  }
  const { companions, ...patch } = change;
  if (!alongside) return compareAndSetTurnStatus(db, id, sources, to, patch, companions);
  return inTransaction(db, async (tx) => {
    const moved = await compareAndSetTurnStatus(tx, id, sources, to, patch, companions);
    if (moved) await alongside(tx);
    return moved;
  });
}

/** Stores the state of a running turn, so a resume or a restart starts from it. */
export async function checkpointTurn(db: Database, id: string, state: LoopState): Promise<boolean> {
  return saveRunningTurnState(db, id, state);
}

/** The loop state stored with `turn`, or undefined when it has none (a turn that never started). */
export function readTurnState(turn: Pick<TurnRow, "id" | "state">): LoopState | undefined {
  const { state } = turn;
  if (state === null || state === undefined) return undefined;
  if (isLoopState(state)) return state;
  throw new AppError("database_error", "the stored state of this turn is not a loop state", {
    context: { turn: turn.id },
  });
}

function isLoopState(value: unknown): value is LoopState {
  if (typeof value !== "object" || value === null) return false;
  const messages: unknown = Reflect.get(value, "messages");
  const iterations: unknown = Reflect.get(value, "iterations");
  const pending: unknown = Reflect.get(value, "pending");
  return (
    Array.isArray(messages) &&
    typeof iterations === "number" &&
    (pending === undefined || Array.isArray(pending))
  );
}
