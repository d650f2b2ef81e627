/**
 * How a turn that does not reach its answer ends: a failure or the owner's `/cancel` is stored
 * (`failed` / `cancelled`), announced (`turn-error` / `turn-cancelled`) and told to the owner in
 * the chat; a shutdown stores `interrupted` without an end time and tells nobody yet — the
 * restart's recovery tells the owner (see `recovery.ts`), once the channels are up again.
 */
import type { Responder } from "../core/responder.ts";
import type { Database } from "../db/client.ts";
import { type Conversation, recordOutbound } from "../db/conversations.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { AgentEventBus } from "./events.ts";
import { ownerMessageFor } from "./owner-messages.ts";
import { transitionTurn } from "./turn-state.ts";

export interface TurnEndingDependencies {
  db: Database;
  bus: AgentEventBus;
}

/** Stores, announces and reports a turn that failed or was cancelled. Never throws. */
export async function endTurnWithError(
  deps: TurnEndingDependencies,
  turn: { turnId: string; conversation: Conversation },
  error: unknown,
  responder: Responder,
  turnLog: Logger,
): Promise<void> {
  const cancelled = error instanceof AppError && error.code === "cancelled";
  const code = error instanceof AppError ? error.code : "internal";
  const text = ownerMessageFor(error);
  if (cancelled) turnLog.info("turn cancelled");
  else turnLog.warn("turn failed", { code, error });
  try {
    const ids = { turnId: turn.turnId, conversationId: turn.conversation.id };
    await deps.bus.emit(
      cancelled
        ? { type: "turn-cancelled", ...ids, reason: "owner" }
        : { type: "turn-error", ...ids, code, message: text },
    );
    await transitionTurn(
      deps.db,
      turn.turnId,
      ["running", "awaiting_approval"],
      cancelled ? "cancelled" : "failed",
      { error: error instanceof Error ? error.message : String(error), finishedAt: new Date() },
    );
    const platformId = await responder.notice(text);
    await recordOutbound(deps.db, turn.conversation, {
      role: "system",
      content: text,
      platformMessageId: platformId,
      turnId: turn.turnId,
    });
  } catch (reportError) {
    turnLog.error("could not report a failed turn", { error: reportError });
  }
}

/**
 * Shutdown cut the turn short: stored `interrupted` with its last checkpoint and no end time,
 * which is how the restart's recovery knows the owner has not been told yet. Never throws.
 */
export async function endTurnInterrupted(
  deps: TurnEndingDependencies,
  turn: { turnId: string; conversation: Conversation },
  turnLog: Logger,
): Promise<void> {
  turnLog.info("turn interrupted by shutdown");
  try {
    await deps.bus.emit({
      type: "turn-cancelled",
      turnId: turn.turnId,
      conversationId: turn.conversation.id,
      reason: "shutdown",
    });
    await transitionTurn(deps.db, turn.turnId, "running", "interrupted", {
      error: "the host stopped while the turn was running",
    });
  } catch (error) {
    turnLog.error("could not store an interrupted turn", { error });
  }
}
