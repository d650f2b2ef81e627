/**
 * The host's answer to a press, back to the channel that emitted it: a built-in channel shows the
 * ActionResult's notice to the presser ("Only the owner can decide this."), so a WASM channel
 * gets `on-action-result` once per emitted action the host decided — never for one refused
 * before the host saw it (a forged sender, over a cap) or dropped as a replay. The calls run one
 * after another, after the press's callback finished, each as its own callback (fresh instance,
 * its deadline, its failures in health): a slow or broken notice never delays or undoes a press.
 */
import type { Logger } from "../../../log.ts";
import type { CallbackResult } from "./run-callback.ts";

/** One press the host decided, with the notice it owes the presser. */
export interface DecidedAction {
  readonly actionId: string;
  readonly chatId: string;
  readonly senderId: string;
  readonly notice: string;
}

export interface ActionResultQueueOptions {
  /** Runs `on-action-result` for one decided press. */
  readonly run: (decided: DecidedAction) => Promise<CallbackResult>;
  /** Why a notice is not handed to the guest now (stopping, backing off), or undefined. */
  readonly skip: () => string | undefined;
  readonly log: Logger;
}

/** A notice is a short host sentence; anything longer is cut, never handed whole. */
const noticeChars = 500;

export function createActionResultQueue(options: ActionResultQueueOptions) {
  const { log } = options;
  let tail: Promise<void> = Promise.resolve();

  async function notify(decided: DecidedAction): Promise<void> {
    const skipped = options.skip();
    if (skipped !== undefined) {
      log.debug("a press's notice was not handed to the channel", {
        action: decided.actionId,
        reason: skipped,
      });
      return;
    }
    const result = await options.run({ ...decided, notice: decided.notice.slice(0, noticeChars) });
    if (!result.ok && result.kind !== "cancelled") {
      log.warn("on-action-result failed: the presser saw no notice", {
        action: decided.actionId,
        reason: result.message,
      });
    }
  }

  return {
    /** Queues the notices of one callback's decided presses, in the order they were decided. */
    enqueue(decided: readonly DecidedAction[]): void {
      for (const each of decided) {
        tail = tail
          .then(() => notify(each))
          .catch((error: unknown) => log.error("handing a press's notice to the channel failed", { error }));
      }
    },
    /** Resolves once every queued notice was handed over (or skipped). */
    idle: (): Promise<void> => tail,
  };
}

export type ActionResultQueue = ReturnType<typeof createActionResultQueue>;
