/**
 * The fake's update queue with Telegram's real long-polling semantics: `getUpdates` is held until
 * an update with `update_id >= offset` exists or `timeout` seconds pass, and passing `offset`
 * acknowledges (drops for good) every lower update. Without this a poller such as grammy's either
 * spins or never sees its updates acknowledged.
 *
 * Test controls: `stall` holds every poll unanswered (to exercise a polling watchdog), and
 * `redeliver` hands the last batch out again regardless of the offset (a lost acknowledgement, as
 * after a crash between handling an update and confirming it) to exercise de-duplication.
 */
import type { Update } from "grammy/types";

export interface PollOptions {
  offset?: number;
  limit?: number;
  /** Seconds; fractions are accepted so tests can poll briefly. */
  timeout?: number;
}

/** What a poll ended with: updates, or 409 because a newer poll replaced it (as in Telegram). */
export type PollOutcome = { updates: Update[] } | { conflict: true };

const FIRST_UPDATE_ID = 10_001;

export class UpdateQueue {
  private pending: Update[] = [];
  private redelivering: Update[] = [];
  private lastBatch: Update[] = [];
  private nextUpdateId = FIRST_UPDATE_ID;
  private wakeups = new Set<() => void>();
  private stalledUntil = 0;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private pollGeneration = 0;
  private closed = false;

  /** Queues an update, numbering it unless it already has an id, and wakes a held poll. */
  push(update: Omit<Update, "update_id"> & { update_id?: number }): Update {
    const numbered = { ...update, update_id: update.update_id ?? this.nextUpdateId } as Update;
    this.nextUpdateId = Math.max(this.nextUpdateId, numbered.update_id + 1);
    this.pending.push(numbered);
    this.wake();
    return numbered;
  }

  pendingCount(): number {
    return this.pending.length;
  }

  /** Drops everything not yet acknowledged (deleteWebhook with drop_pending_updates). */
  clear(): void {
    this.pending = [];
    this.redelivering = [];
  }

  redeliver(): Update[] {
    this.redelivering = [...this.lastBatch];
    this.wake();
    return this.redelivering;
  }

  /** `true` stalls until `stall(false)`; a number stalls for that many milliseconds. */
  stall(stall: number | boolean): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    if (stall === true) this.stalledUntil = Number.POSITIVE_INFINITY;
    else if (stall === false || stall <= 0) this.stalledUntil = 0;
    else {
      this.stalledUntil = Date.now() + stall;
      this.stallTimer = setTimeout(() => this.wake(), stall);
    }
    this.wake();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.stallTimer);
    this.wake();
  }

  async poll(options: PollOptions, signal: AbortSignal): Promise<PollOutcome> {
    const generation = ++this.pollGeneration;
    this.wake(); // an older held poll notices it was replaced and answers 409
    if (options.offset !== undefined) this.acknowledge(options.offset);
    const deadline = Date.now() + Math.max(0, options.timeout ?? 0) * 1000;
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 100);
    while (true) {
      if (this.closed || signal.aborted) return { updates: [] };
      if (generation !== this.pollGeneration) return { conflict: true };
      const stalled = Date.now() < this.stalledUntil;
      if (!stalled) {
        const batch = this.take(limit);
        if (batch.length > 0 || Date.now() >= deadline) return { updates: batch };
      }
      await this.sleep(stalled ? undefined : deadline - Date.now(), signal);
    }
  }

  private acknowledge(offset: number): void {
    this.pending = this.pending.filter((update) => update.update_id >= offset);
  }

  private take(limit: number): Update[] {
    const forced = this.redelivering.splice(0, limit);
    const forcedIds = new Set(forced.map((update) => update.update_id));
    const fresh = this.pending.filter((update) => !forcedIds.has(update.update_id));
    const batch = [...forced, ...fresh.slice(0, limit - forced.length)];
    if (batch.length > 0) this.lastBatch = batch;
    return batch;
  }

  private wake(): void {
    const wakeups = [...this.wakeups];
    this.wakeups.clear();
    for (const wakeup of wakeups) wakeup();
  }

  private sleep(milliseconds: number | undefined, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = milliseconds === undefined ? undefined : setTimeout(done, Math.max(0, milliseconds));
      signal.addEventListener("abort", done);
      this.wakeups.add(done);
    });
  }
}
