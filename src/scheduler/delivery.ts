/**
 * Getting a routine's message to the owner without losing it. Every message is first stored as a
 * delivery row, then sent; a channel that is down leaves the row for a later attempt (backing off
 * 30 s, 1 m, 5 m, 15 m, 60 m), and quiet hours set its earliest time. The target chat is resolved
 * when sending: the routine's own, or the owner's most recently used chat (on HEARTBEAT_CHANNEL
 * for the heartbeat). A delivered message is also stored in that chat's conversation, so the
 * owner's reply to it has context.
 */

import type { Database } from "../db/client.ts";
import { getOrCreateConversation, recordOutbound } from "../db/conversations.ts";
import {
  dueDeliveries,
  enqueueDelivery,
  leaseDelivery,
  mostRecentChat,
  type RoutineDelivery,
  settleDelivery,
} from "../db/routines.ts";
import type { Logger } from "../log.ts";
import type { Channel } from "../plugin/channel.ts";

export const retryStepsMs = [30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;

export function retryDelay(attempt: number): number {
  return retryStepsMs[Math.min(Math.max(attempt, 1), retryStepsMs.length) - 1] as number;
}

/** A channel may take this long to send before a second process could try the same row. */
const LEASE_MS = 2 * 60_000;

export interface Target {
  channel: string;
  chatId: string;
}

export interface DeliveryOptions {
  db: Database;
  log: Logger;
  now: () => Date;
  channelFor: (id: string) => Channel | undefined;
}

export class Deliveries {
  constructor(private readonly options: DeliveryOptions) {}

  /** Where a message for this routine goes now, or undefined when the owner has no chat yet. */
  async resolveTarget(place: {
    channel?: string | null;
    chatId?: string | null;
  }): Promise<Target | undefined> {
    if (place.channel && place.chatId) return { channel: place.channel, chatId: place.chatId };
    return mostRecentChat(this.options.db, place.channel ?? undefined);
  }

  /** Stores the message and, unless it is held until later, tries to send it right away. */
  async enqueue(values: {
    routineId?: string;
    runId?: string;
    channel?: string | null;
    chatId?: string | null;
    text: string;
    notBefore?: Date;
  }): Promise<void> {
    const row = await enqueueDelivery(this.options.db, {
      routineId: values.routineId,
      runId: values.runId,
      channel: values.channel ?? null,
      chatId: values.chatId ?? null,
      text: values.text,
      notBefore: values.notBefore ?? this.options.now(),
    });
    if (row.notBefore.getTime() <= this.options.now().getTime()) await this.#attempt(row);
  }

  /** Sends everything due (held messages whose time has come, retries). */
  async flush(): Promise<void> {
    for (const row of await dueDeliveries(this.options.db, this.options.now())) await this.#attempt(row);
  }

  async #attempt(row: RoutineDelivery): Promise<void> {
    const { db, log } = this.options;
    const now = this.options.now();
    if (!(await leaseDelivery(db, row.id, now, LEASE_MS))) return; // another process has it
    const attempts = row.attempts + 1;
    const target = await this.resolveTarget(row);
    const channel = target && this.options.channelFor(target.channel);
    let failure: string | undefined;
    if (!target) failure = "the owner has no chat with IronClaw yet";
    else if (!channel) failure = `channel ${target.channel} is not running`;
    else {
      try {
        const ref = await channel.send({ chatId: target.chatId }, { text: row.text });
        await settleDelivery(db, row.id, { deliveredAt: now, ...target, lastError: null });
        const conversation = await getOrCreateConversation(db, target.channel, target.chatId);
        await recordOutbound(db, conversation, {
          role: "assistant",
          content: row.text,
          platformMessageId: ref.messageId,
        });
        log.info("routine message delivered", { delivery: row.id, channel: target.channel, attempts });
        return;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
    }
    const retryAt = new Date(now.getTime() + retryDelay(attempts));
    await settleDelivery(db, row.id, { notBefore: retryAt, lastError: failure });
    log.warn("routine message not delivered yet; kept for a later attempt", {
      delivery: row.id,
      attempts,
      retryAt: retryAt.toISOString(),
      reason: failure,
    });
  }
}
