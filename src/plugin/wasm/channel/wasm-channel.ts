/**
 * The `Channel` the host sees for a loaded WASM channel: every method is a callback on a fresh
 * guest instance. `start` runs `on-start` (the manifest's config as JSON) and keeps what it
 * returned; `send` runs `on-respond` with a delivery id made once per send and reused on the
 * single retry (a timeout, or a platform's retry-after of at most 10 s), so the guest can make
 * the platform call idempotent; `edit`, `askApproval` and `settleApproval` exist only once the
 * guest said it can edit / approve (else the host uses its text fallback); `setTyping` is
 * `on-status(thinking)`; `stop` runs `on-shutdown`, stops polling and closes the Workers. Sends,
 * edits, webhooks and the notices of decided presses (`on-action-result`) share the callback
 * lane; polling has its own (a long-poll never delays them).
 */
import { randomUUID } from "node:crypto";
import { fallbackPromptText, outcomeWords } from "../../../approvals/prompts.ts";
import { AppError } from "../../../errors.ts";
import type { Channel, ChannelHost, MessageRef } from "../../channel.ts";
import type { WasmChannelBindings, WasmChannelManifest } from "../contract.ts";
import { createRequestRateLimit } from "../runtime/allowlist.ts";
import type { Sandbox } from "../runtime/sandbox.ts";
import { createActionResultQueue } from "./action-results.ts";
import { type BackOffPolicy, createCallbackHealth } from "./callback-health.ts";
import { createEmitWindow } from "./callback-scope.ts";
import { type PollLoop, startPollLoop } from "./poll-loop.ts";
import { type CallbackRequest, type CallbackResult, createCallbackRunner } from "./run-callback.ts";
import { readStartInfo, type StartInfo } from "./start-info.ts";
import { handleWebhook, webhookResponseProblem } from "./webhook-route.ts";

export interface WasmChannelOptions {
  readonly manifest: WasmChannelManifest;
  readonly bindings: WasmChannelBindings;
  /** on-start, on-http-request, on-respond, on-edit, on-approval, on-status, on-shutdown. */
  readonly callbackLane: Sandbox;
  /** on-poll; made on first use (a channel that never polls runs one Worker). */
  readonly pollLane: () => Sandbox;
  /** Largest webhook body handed to the guest. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  readonly backOff?: BackOffPolicy;
}

const sendRetryCapMs = 10_000;

export function createWasmChannel(options: WasmChannelOptions): Channel & { readonly pollCycles: number } {
  const { manifest, bindings } = options;
  const log = bindings.log;
  const now = () => (bindings.now ? bindings.now().getTime() : Date.now());
  const health = createCallbackHealth(options.backOff);
  const lifetime = new AbortController();
  const rateLimit = createRequestRateLimit(
    manifest.limits.requestsPerMinute,
    manifest.limits.requestsPerHour,
  );
  let host: ChannelHost | undefined;
  let info: StartInfo | undefined;
  let poller: PollLoop | undefined;
  let pollLane: Sandbox | undefined;
  let stopped = false;

  const run = createCallbackRunner({
    manifest,
    bindings,
    health,
    window: createEmitWindow(manifest.emits.perMinute),
    takeRequest: () => rateLimit.take(),
    host: () => host,
    log,
    now,
    decided: (actions) => actionResults.enqueue(actions),
  });

  const callback = (
    name: string,
    args: readonly unknown[],
    extra: Pick<CallbackRequest, "platformBytes" | "check" | "reportDecisions"> = {},
  ) =>
    run({
      callback: name,
      lane: options.callbackLane,
      args,
      timeoutMs: manifest.limits.timeoutMs,
      signal: lifetime.signal,
      ...extra,
    });

  const actionResults = createActionResultQueue({
    log,
    skip() {
      if (stopped) return "the channel is stopping";
      const refused = health.refused("on-action-result", now());
      return refused ? `on-action-result is backing off after ${refused.failures} failures` : undefined;
    },
    run: (decided) =>
      callback("on-action-result", [decided.actionId, decided.chatId, decided.senderId, decided.notice], {
        reportDecisions: false,
      }),
  });

  function ready(name: string): void {
    if (!info || stopped) throw new AppError("channel_error", `channel ${manifest.name} is not running`);
    const refused = health.refused(name, now());
    if (refused) {
      throw new AppError(
        "channel_error",
        `channel ${manifest.name} is backing off: ${name} failed ${refused.failures} times: ${refused.reason}`,
      );
    }
  }

  function failed(name: string, result: Extract<CallbackResult, { ok: false }>): never {
    throw new AppError("channel_error", `channel ${manifest.name}: ${name} failed: ${result.message}`, {
      context: { channel: manifest.name, callback: name },
    });
  }

  /** on-respond and on-approval must answer a message-ref the host can edit later. */
  const messageRef = {
    check(value: unknown): string | undefined {
      const { chatId, messageId } = (value ?? {}) as { chatId?: unknown; messageId?: unknown };
      const valid =
        typeof chatId === "string" && typeof messageId === "string" && chatId !== "" && messageId !== "";
      return valid && chatId.length <= 256 && messageId.length <= 1_024
        ? undefined
        : "it returned a malformed message-ref";
    },
    of(value: unknown): MessageRef {
      const { chatId, messageId } = value as MessageRef;
      return { chatId, messageId };
    },
  };

  async function respond(chatId: string, text: string): Promise<MessageRef> {
    ready("on-respond");
    const message = { chatId, text, deliveryId: randomUUID() };
    let result = await callback("on-respond", [message], messageRef);
    const retryAfter = !result.ok && result.kind === "error" ? result.retryAfterMs : undefined;
    if (!result.ok && (result.timedOut || (retryAfter !== undefined && retryAfter <= sendRetryCapMs))) {
      if (retryAfter) await Bun.sleep(retryAfter);
      result = await callback("on-respond", [message], messageRef); // same delivery id: the platform dedupes
    }
    if (!result.ok) failed("on-respond", result);
    return messageRef.of(result.value);
  }

  async function edit(ref: MessageRef, text: string): Promise<void> {
    ready("on-edit");
    const result = await callback("on-edit", [ref, { chatId: ref.chatId, text, deliveryId: randomUUID() }]);
    if (!result.ok) failed("on-edit", result);
  }

  const channel: Channel & { readonly pollCycles: number } = {
    id: manifest.name,
    get pollCycles() {
      return poller?.cycles ?? 0;
    },
    async start(channelHost) {
      if (host) throw new AppError("channel_error", `channel ${manifest.name} is already started`);
      host = channelHost;
      const result = await callback("on-start", [JSON.stringify(manifest.config)]);
      if (!result.ok) failed("on-start", result);
      const read = readStartInfo(manifest, result.value);
      if (typeof read === "string") throw new AppError("channel_error", `channel ${manifest.name}: ${read}`);
      for (const warning of read.warnings) log.warn("wasm channel start-info adjusted", { warning });
      info = read;
      if (read.pollIntervalMs !== undefined && manifest.polling && !stopped) {
        const polling = manifest.polling;
        pollLane = options.pollLane();
        const lane = pollLane;
        poller = startPollLoop({
          intervalMs: read.pollIntervalMs,
          health,
          now,
          poll: (signal) =>
            run({
              callback: "on-poll",
              lane,
              args: [],
              timeoutMs: polling.timeoutMs,
              signal: AbortSignal.any([signal, lifetime.signal]),
            }),
        });
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await poller?.stop();
      await actionResults.idle();
      if (info) {
        const shutdown = await options.callbackLane.invoke({
          export: "onShutdown",
          args: [],
          timeoutMs: Math.min(manifest.limits.timeoutMs, 5_000),
          signal: lifetime.signal,
          hostCalls: async () => ({
            meta: { ok: false, kind: "network-denied", message: "the channel is stopping" },
          }),
        });
        if (shutdown.kind === "failed") log.warn("on-shutdown failed", { reason: shutdown.message });
      }
      lifetime.abort();
      await Promise.all([options.callbackLane.close(), pollLane?.close()]);
    },
    send: (to, message) => respond(to.chatId, message.text),
    async setTyping(to) {
      if (!info || stopped || health.refused("on-status", now())) return;
      const result = await callback("on-status", [to.chatId, "thinking"]);
      if (!result.ok) log.debug("on-status failed", { reason: result.message });
    },
    health: () => health.health(),
    async handleHttp(request, path) {
      if (!info || stopped) return undefined;
      return handleWebhook(
        {
          manifest,
          routes: () => info?.webhooks ?? [],
          health,
          revealSecret: bindings.revealSecret,
          now,
          maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
          run: (incoming, body) =>
            callback("on-http-request", [incoming], { platformBytes: [body], check: webhookResponseProblem }),
          refused: (reason) => log.warn("webhook request refused before the guest", { reason }),
        },
        request,
        path,
      );
    },
  };

  // Optional capabilities appear once on-start said the guest has them (the host checks for the
  // method: absent means its own fallback, e.g. a text approval prompt through `send`).
  Object.defineProperties(channel, {
    edit: {
      enumerable: true,
      get: () =>
        info?.canEdit ? (ref: MessageRef, message: { text: string }) => edit(ref, message.text) : undefined,
    },
    askApproval: {
      enumerable: true,
      get: () =>
        info?.canApprove
          ? async (to: { chatId: string }, prompt: Parameters<NonNullable<Channel["askApproval"]>>[1]) => {
              ready("on-approval");
              const result = await callback(
                "on-approval",
                [
                  {
                    chatId: to.chatId,
                    approvalId: prompt.approvalId,
                    tool: prompt.tool,
                    summary: prompt.summary,
                    allowAlways: prompt.allowAlways,
                    expiresAtMillis: BigInt(prompt.expiresAt.getTime()),
                  },
                ],
                messageRef,
              );
              if (!result.ok) {
                // Buttons failed: the owner still gets the prompt, as text.
                log.warn("on-approval failed; sending the text prompt", { reason: result.message });
                return respond(to.chatId, fallbackPromptText(prompt));
              }
              return messageRef.of(result.value);
            }
          : undefined,
    },
    settleApproval: {
      enumerable: true,
      get: () =>
        info?.canApprove && info.canEdit
          ? (
              ref: MessageRef,
              outcome: keyof typeof outcomeWords,
              prompt: { tool: string; summary: string },
            ) => edit(ref, `${outcomeWords[outcome]}: ${prompt.tool}\n${prompt.summary}`)
          : undefined,
    },
  });
  return channel;
}
