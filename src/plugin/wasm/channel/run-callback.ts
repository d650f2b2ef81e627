/**
 * One channel callback, start to finish: a fresh scope, the export called on its lane (a fresh
 * instance, its deadline), and then — only if it succeeded — its emits delivered to the host in
 * order, and after them its state writes applied in one transaction. A crash between the two
 * redelivers on the next poll (the pipeline's dedupe by message id answers once) instead of
 * losing a message. A callback that fails, traps or runs out of time delivers and writes nothing;
 * every failure and every refused emit is recorded in the channel's health, which backs it off.
 * The presses the host decided are reported afterwards (`decided`), so the guest can show the
 * host's notice to the presser (action-results.ts).
 */

import type { Logger } from "../../../log.ts";
import type { ChannelHost } from "../../channel.ts";
import type { WasmChannelBindings, WasmChannelManifest } from "../contract.ts";
import type { Sandbox } from "../runtime/sandbox.ts";
import type { DecidedAction } from "./action-results.ts";
import type { CallbackHealth } from "./callback-health.ts";
import { createCallbackHostCalls } from "./callback-host-calls.ts";
import { type BufferedEmit, createCallbackScope, type EmitWindow } from "./callback-scope.ts";

export type CallbackResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      /**
       * `error`: the guest's own channel-failure; `failed`: a trap, the deadline, the memory cap…;
       * `malformed`: it returned, but not what the callback must return (nothing is delivered).
       */
      readonly kind: "error" | "failed" | "malformed" | "cancelled";
      readonly message: string;
      readonly timedOut: boolean;
      readonly retryAfterMs?: number;
    };

export interface CallbackRequest {
  /** The WIT name, for health and logs: `on-poll`. */
  readonly callback: string;
  readonly lane: Sandbox;
  readonly args: readonly unknown[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** What the platform sent to start this callback (a webhook body). */
  readonly platformBytes?: readonly Uint8Array[];
  /** Why a returned value is unusable (then the callback counts as failed), or undefined. */
  readonly check?: (value: unknown) => string | undefined;
  /** Whether the presses it emits are reported to `decided` (false for on-action-result itself). */
  readonly reportDecisions?: boolean;
}

export interface CallbackRunnerOptions {
  readonly manifest: WasmChannelManifest;
  readonly bindings: WasmChannelBindings;
  readonly health: CallbackHealth;
  readonly window: EmitWindow;
  readonly takeRequest: () => boolean;
  readonly host: () => ChannelHost | undefined;
  readonly log: Logger;
  readonly now: () => number;
  /** The presses one callback emitted that the host decided, with the host's notice for each. */
  readonly decided?: (actions: readonly DecidedAction[]) => void;
}

const camelCase = (callback: string) =>
  callback.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The guest's channel-failure record, read defensively. */
function failureOf(value: unknown): { message: string; retryAfterMs?: number } {
  const record = (value ?? {}) as { message?: unknown; retryAfterMs?: unknown };
  const message = typeof record.message === "string" ? record.message.slice(0, 300) : "no message";
  const retry = record.retryAfterMs;
  return typeof retry === "number" && Number.isFinite(retry) && retry > 0
    ? { message, retryAfterMs: retry }
    : { message };
}

export function createCallbackRunner(options: CallbackRunnerOptions) {
  const { manifest, health, log } = options;
  const seenActions = new Set<string>();

  async function deliver(
    emits: readonly BufferedEmit[],
    host: ChannelHost,
    decided: DecidedAction[],
  ): Promise<void> {
    for (const emit of emits) {
      if (emit.kind === "message") {
        await host.onMessage(emit.message);
        continue;
      }
      // A replayed press (same platform id) is decided once; the approval service's
      // compare-and-set also holds across restarts.
      if (seenActions.has(emit.emitted.actionId)) continue;
      seenActions.add(emit.emitted.actionId);
      if (seenActions.size > 1_000) seenActions.delete(seenActions.values().next().value as string);
      const { action, actionId } = emit.emitted;
      const result = await host.onAction(action);
      if (!result.ok) log.info("a press from the channel was not taken", { notice: result.notice });
      decided.push({ actionId, chatId: action.chatId, senderId: action.senderId, notice: result.notice });
    }
  }

  /** Decided presses stay decided whatever happens next, so their notices are owed regardless. */
  function report(request: CallbackRequest, decided: readonly DecidedAction[]): void {
    if (decided.length > 0 && request.reportDecisions !== false) options.decided?.(decided);
  }

  return async function runCallback(request: CallbackRequest): Promise<CallbackResult> {
    const scope = createCallbackScope({
      channel: manifest.name,
      limits: manifest.emits,
      window: options.window,
      now: options.now,
    });
    for (const bytes of request.platformBytes ?? []) scope.recordPlatformBytes(bytes);
    const outcome = await request.lane.invoke({
      export: camelCase(request.callback),
      args: request.args,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      hostCalls: createCallbackHostCalls({
        manifest,
        bindings: options.bindings,
        scope,
        signal: request.signal,
        callDeadline: Date.now() + request.timeoutMs,
        takeRequest: options.takeRequest,
      }),
    });
    const now = options.now();
    if (outcome.kind === "failed") {
      if (outcome.reason === "cancelled") {
        return { ok: false, kind: "cancelled", message: outcome.message, timedOut: false };
      }
      health.failed(request.callback, outcome.message, now);
      log.warn("wasm channel callback failed", { callback: request.callback, reason: outcome.reason });
      return { ok: false, kind: "failed", message: outcome.message, timedOut: outcome.reason === "timeout" };
    }
    if (outcome.kind === "error") {
      const failure = failureOf(outcome.content);
      health.failed(request.callback, `it answered an error: ${failure.message}`, now, failure.retryAfterMs);
      return { ok: false, kind: "error", timedOut: false, ...failure };
    }
    const problem = request.check?.(outcome.content);
    if (problem !== undefined) {
      health.failed(request.callback, problem, now);
      return { ok: false, kind: "malformed", message: problem, timedOut: false };
    }
    const host = options.host();
    const decided: DecidedAction[] = [];
    try {
      if (scope.emits().length > 0) {
        if (!host) throw new Error("the channel is not started");
        await deliver(scope.emits(), host, decided);
      }
      await options.bindings.state.apply(manifest.name, scope.writes());
    } catch (error) {
      // Emits not delivered or state not saved: the platform's redelivery (or the next poll from
      // the old cursor) brings them again; dedupe by message id keeps that to one answer.
      log.error("a channel callback's emits or state could not be saved", {
        callback: request.callback,
        error,
      });
      health.failed(request.callback, "the host could not save what it emitted", now);
      report(request, decided);
      return { ok: true, value: outcome.content };
    }
    const refusals = scope.refusals();
    if (refusals.length > 0) {
      log.warn("refused emits from a wasm channel", { callback: request.callback, reasons: refusals });
      health.failed(
        request.callback,
        `the host refused ${refusals.length} of its emits: ${refusals[0]}`,
        now,
      );
    } else health.succeeded(request.callback);
    report(request, decided);
    return { ok: true, value: outcome.content };
  };
}

export type CallbackRunner = ReturnType<typeof createCallbackRunner>;
