/**
 * The turns in flight, at most one per conversation, each with its AbortController — the signal
 * the tool contract promises. `/cancel` aborts one on the owner's behalf; shutdown aborts them all
 * and waits for them to settle. Why a turn was aborted is read back from its own signal, so the
 * turn can be stored `cancelled` (the owner) or `interrupted` (shutdown) without a shared flag.
 */
import { settleWithin } from "../timeout.ts";

export type AbortCause = "owner" | "shutdown";

/** One running turn's handle: its signal, why it was aborted (if it was), and its release. */
export interface TurnSlot {
  signal: AbortSignal;
  abortCause(): AbortCause | undefined;
  release(): void;
}

interface Entry {
  controller: AbortController;
  settled: Promise<void>;
}

/** The abort reason of a shutdown, told apart from `/cancel` (no reason) by identity. */
const shutdownReason = new Error("the host is shutting down");

export class RunningTurns {
  readonly #turns = new Map<string, Entry>();
  #stopping = false;

  /** True once `abortAll` ran: no new turn should start. */
  get stopping(): boolean {
    return this.#stopping;
  }

  has(conversationId: string): boolean {
    return this.#turns.has(conversationId);
  }

  /** Registers the conversation's running turn. While stopping, its signal is aborted at once. */
  begin(conversationId: string): TurnSlot {
    const controller = new AbortController();
    let release: () => void = () => {};
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#turns.set(conversationId, { controller, settled });
    if (this.#stopping) controller.abort(shutdownReason);
    return {
      signal: controller.signal,
      abortCause: () =>
        controller.signal.aborted
          ? controller.signal.reason === shutdownReason
            ? "shutdown"
            : "owner"
          : undefined,
      release: () => {
        if (this.#turns.get(conversationId)?.controller === controller) this.#turns.delete(conversationId);
        release();
      },
    };
  }

  /** The owner's `/cancel`; false when no turn runs in the conversation. */
  cancel(conversationId: string): boolean {
    const entry = this.#turns.get(conversationId);
    entry?.controller.abort();
    return entry !== undefined;
  }

  /** Shutdown: aborts every running turn and waits (at most `graceMs`) until each has released. */
  async abortAll(graceMs: number): Promise<number> {
    this.#stopping = true;
    const entries = [...this.#turns.values()];
    for (const entry of entries) entry.controller.abort(shutdownReason);
    await settleWithin(Promise.allSettled(entries.map((entry) => entry.settled)), graceMs);
    return entries.length;
  }
}
