/**
 * Long polling with a watchdog. Each getUpdates may take the poll timeout plus a margin; if it
 * takes longer (a stalled connection, the classic "polling silently stops"), it is aborted and
 * polling starts again. An update is acknowledged (offset moves past it) only after it has been
 * handled, and handling stores inbound messages durably first, so a crash in between leads to a
 * redelivery that the host's dedupe absorbs: no message lost, no second reply.
 */
import { type Api, GrammyError, HttpError } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../src/log.ts";
import { sleepUnlessAborted } from "../shared/rate-limit-wait.ts";

export interface PollerOptions {
  api: Api;
  log: Logger;
  timeoutSeconds: number;
  watchdogMarginMs: number;
  handle: (update: Update) => Promise<void>;
  onHealth: (ok: boolean, detail?: string) => void;
}

export function startPoller(options: PollerOptions): { stop: () => Promise<void> } {
  const { api, log } = options;
  let running = true;
  /** Aborted by stop(): ends a pause between failed polls at once. */
  const stopping = new AbortController();
  let current: AbortController | undefined;
  let offset: number | undefined;
  let failures = 0;
  const attempts = new Map<number, number>();

  const loop = (async () => {
    while (running) {
      const controller = new AbortController();
      current = controller;
      let stalled = false;
      const watchdog = setTimeout(
        () => {
          stalled = true;
          controller.abort();
        },
        options.timeoutSeconds * 1000 + options.watchdogMarginMs,
      );
      try {
        const updates = await api.getUpdates(
          { offset, timeout: options.timeoutSeconds, allowed_updates: ["message", "callback_query"] },
          controller.signal as unknown as Parameters<Api["getUpdates"]>[1],
        );
        clearTimeout(watchdog);
        failures = 0;
        options.onHealth(true);
        for (const update of updates) {
          if (!running) break;
          try {
            await options.handle(update);
            attempts.delete(update.update_id);
          } catch (error) {
            const tries = (attempts.get(update.update_id) ?? 0) + 1;
            attempts.set(update.update_id, tries);
            if (tries < 5) {
              // Not acknowledged: it comes again with the next poll (e.g. the database was down).
              log.error("handling an update failed; it will be redelivered", {
                update: update.update_id,
                error,
              });
              throw error;
            }
            log.error("an update failed 5 times; skipping it", { update: update.update_id, error });
            attempts.delete(update.update_id);
          }
          offset = update.update_id + 1;
        }
      } catch (error) {
        clearTimeout(watchdog);
        if (!running) break;
        if (stalled) {
          log.warn("getUpdates stalled past the long-poll timeout; restarting polling");
          options.onHealth(true, "recovered from a stalled poll");
          continue;
        }
        failures++;
        const unauthorized = error instanceof GrammyError && error.error_code === 401;
        const conflict = error instanceof GrammyError && error.error_code === 409;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        options.onHealth(false, unauthorized ? "the bot token was rejected (401)" : describe(error));
        log[unauthorized ? "error" : "warn"](
          conflict ? "another process is polling this bot (409); retrying" : "polling failed; retrying",
          { error, retryInMs: delay },
        );
        await sleepUnlessAborted(delay, stopping.signal);
      }
    }
  })();

  return {
    stop: async () => {
      running = false;
      stopping.abort();
      current?.abort();
      await loop;
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network error: ${String(error.error)}`;
  return error instanceof Error ? error.message : String(error);
}
