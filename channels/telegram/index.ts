/**
 * The Telegram channel (grammY). Wiring only: receiving (long polling with a watchdog, or a
 * webhook on the gateway), sending (sender.ts), buttons (buttons.ts), formatting (format.ts).
 * See README.md for BotFather set-up and platform quirks.
 */
import { Bot, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../src/log.ts";
import type { Channel, ChannelHealth, ChannelHost } from "../../src/plugin/channel.ts";
import { approvalKeyboard, approvalPromptHtml, settledPromptHtml } from "./buttons.ts";
import type { TelegramChannelConfig } from "./config.ts";
import { startPoller } from "./poller.ts";
import { TelegramSender } from "./sender.ts";
import { parseUpdate } from "./updates.ts";

export type { TelegramChannelConfig } from "./config.ts";

const staleNotice = "This button is no longer valid.";

export function createTelegramChannel(config: TelegramChannelConfig): Channel {
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  const maxRetries = config.maxRateLimitRetries ?? 3;
  // Telegram answers 429 with parameters.retry_after: wait that long and try again.
  bot.api.config.use(async (previous, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      const result = await previous(method, payload, signal);
      const retryAfter = result.ok ? undefined : result.parameters?.retry_after;
      if (result.ok || result.error_code !== 429 || retryAfter === undefined || attempt >= maxRetries)
        return result;
      await Bun.sleep(retryAfter * 1000);
    }
  });
  let host: ChannelHost | undefined;
  let log: Logger | undefined;
  let sender: TelegramSender | undefined;
  let poller: { stop: () => Promise<void> } | undefined;
  let health: ChannelHealth = { ok: false, detail: "not started" };
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
    const result = parsed.action ? await host.onAction(parsed.action) : { ok: false, notice: staleNotice };
    await bot.api
      .answerCallbackQuery(parsed.callbackId, { text: result.notice.slice(0, 200), show_alert: !result.ok })
      .catch((error: unknown) => log?.warn("could not answer a button press", { error }));
  }

  return {
    id: "telegram",
    async start(channelHost) {
      host = channelHost;
      log = channelHost.log;
      await bot.init();
      sender = new TelegramSender(bot.api, log);
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
        health = { ok: true, detail: "webhook" };
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
          health = { ok, detail: detail ?? "polling" };
        },
      });
      health = { ok: true, detail: "polling" };
      log.info("telegram polling", { bot: bot.botInfo.username });
    },
    async stop() {
      await poller?.stop();
      poller = undefined;
      health = { ok: false, detail: "stopped" };
    },
    async send(to, message) {
      return (sender as TelegramSender).send(to.chatId, message.text);
    },
    async edit(ref, message) {
      await (sender as TelegramSender).edit(ref, message.text);
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
    health: () => health,
    async handleHttp(request, path) {
      if (path !== "/webhook" || !webhook) return undefined;
      if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
      return webhook(request);
    },
  };
}
