/**
 * The Telegram channel (grammY). Wiring only: receiving (long polling with a watchdog, or a
 * webhook on the gateway), sending (sender.ts), buttons (buttons.ts), formatting (format.ts).
 * See README.md for BotFather set-up and platform quirks.
 */
import { Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import { type Logger, silentLogger } from "../../src/log.ts";
import type { Channel, ChannelHost } from "../../src/plugin/channel.ts";
import { STALE_PRESS_NOTICE } from "../shared/approval-labels.ts";
import { HealthTracker } from "../shared/health.ts";
import type { MultipartMessenger } from "../shared/multipart-messenger.ts";
import { approvalKeyboard, approvalPromptHtml, settledPromptHtml } from "./buttons.ts";
import type { TelegramChannelConfig } from "./config.ts";
import { startPoller } from "./poller.ts";
import { createRateLimitRetry } from "./rate-limit.ts";
import { createTelegramMessenger } from "./sender.ts";
import { parseUpdate } from "./updates.ts";

export type { TelegramChannelConfig } from "./config.ts";

export function createTelegramChannel(config: TelegramChannelConfig): Channel {
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  let host: ChannelHost | undefined;
  let log: Logger | undefined;
  let messenger: MultipartMessenger | undefined;
  let poller: { stop: () => Promise<void> } | undefined;
  /** Aborted by stop(): cuts rate-limit waits short. */
  let lifecycle = new AbortController();
  const health = new HealthTracker();
  bot.api.config.use(
    createRateLimitRetry({
      maxRetries: config.maxRateLimitRetries ?? 3,
      log: () => log ?? silentLogger,
      stopSignal: () => lifecycle.signal,
    }),
  );
  let webhook: ((request: Request) => Promise<Response>) | undefined;

  async function handle(update: Update): Promise<void> {
    if (!host || !log) return;
    let parsed: ReturnType<typeof parseUpdate>;
    try {
      parsed = parseUpdate(update, { allowGroups: config.allowGroups === true }, log);
    } catch (error) {
      log.warn("skipped a malformed update", {
        update: (update as { update_id?: unknown }).update_id,
        error,
      });
      return;
    }
    if (parsed.kind === "skip") {
      log.debug("skipped an update", { update: update.update_id, reason: parsed.reason });
      return;
    }
    if (parsed.kind === "message") {
      await host.onMessage(parsed.message);
      return;
    }
    const result = parsed.action
      ? await host.onAction(parsed.action)
      : { ok: false, notice: STALE_PRESS_NOTICE };
    await bot.api
      .answerCallbackQuery(parsed.callbackId, { text: result.notice.slice(0, 200), show_alert: !result.ok })
      .catch((error: unknown) => log?.warn("could not answer a button press", { error }));
  }

  function requireMessenger(): MultipartMessenger {
    if (!messenger) throw new Error("the Telegram channel is not started");
    return messenger;
  }

  return {
    id: "telegram",
    async start(channelHost) {
      host = channelHost;
      log = channelHost.log;
      lifecycle = new AbortController();
      health.connecting();
      await bot.init();
      messenger = createTelegramMessenger(bot.api, log);
      await bot.api
        .setMyCommands([
          { command: "new", description: "Start a fresh conversation" },
          { command: "status", description: "Model and whether I am busy" },
          { command: "cancel", description: "Stop what I am doing" },
          { command: "help", description: "What I can do" },
        ])
        .catch((error: unknown) => log?.warn("could not set the command menu", { error }));
      if (config.mode === "webhook") {
        bot.use(async (context) => handle(context.update));
        bot.catch((error) => log?.error("webhook update failed", { error: error.error }));
        webhook = webhookCallback(bot, "bun", { secretToken: config.webhookSecret });
        health.ok("webhook");
        log.info("telegram webhook ready", { bot: bot.botInfo.username, path: "/channels/telegram/webhook" });
        return;
      }
      await bot.api.deleteWebhook();
      poller = startPoller({
        api: bot.api,
        log,
        timeoutSeconds: config.pollTimeoutSeconds ?? 30,
        watchdogMarginMs: config.watchdogMarginMs ?? 10_000,
        handle,
        onHealth: (ok, detail) => {
          if (ok) health.ok(detail ?? "polling");
          else health.degraded(detail ?? "polling failed");
        },
      });
      health.ok("polling");
      log.info("telegram polling", { bot: bot.botInfo.username });
    },
    async stop() {
      lifecycle.abort();
      await poller?.stop();
      poller = undefined;
      health.stopped();
    },
    async send(to, message) {
      return requireMessenger().send(to.chatId, message.text);
    },
    async edit(ref, message) {
      await requireMessenger().edit(ref, message.text);
    },
    async setTyping(to) {
      await bot.api.sendChatAction(to.chatId, "typing");
    },
    async askApproval(to, prompt) {
      const sent = await bot.api.sendMessage(to.chatId, approvalPromptHtml(prompt), {
        parse_mode: "HTML",
        reply_markup: approvalKeyboard(prompt),
      });
      return { chatId: to.chatId, messageId: String(sent.message_id) };
    },
    async settleApproval(ref, outcome, prompt) {
      await bot.api.editMessageText(ref.chatId, Number(ref.messageId), settledPromptHtml(prompt, outcome), {
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: [] },
      });
    },
    health: () => health.current(),
    async handleHttp(request, path) {
      if (path !== "/webhook" || !webhook) return undefined;
      if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
      return webhook(request);
    },
  };
}
