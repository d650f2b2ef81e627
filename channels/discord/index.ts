/**
 * The Discord channel (discord.js). Wiring only: the client and its connection (connection.ts),
 * reading events (inbound.ts), sending (sender.ts), buttons (buttons.ts), formatting (format.ts).
 * See README.md for the application set-up and platform quirks.
 */
import {
  type ButtonInteraction,
  type Client,
  Events,
  type Interaction,
  type Message,
  MessageFlags,
} from "discord.js";
import type { Logger } from "../../src/log.ts";
import type { Channel, ChannelHost } from "../../src/plugin/channel.ts";
import { FAILED_PRESS_NOTICE, STALE_PRESS_NOTICE } from "../shared/approval-labels.ts";
import { HealthTracker } from "../shared/health.ts";
import { MAX_RATE_LIMIT_WAIT_MS } from "../shared/rate-limit-wait.ts";
import { createOrderedStore } from "../shared/store-retry.ts";
import { approvalPromptText, approvalRow, settledPromptText } from "./buttons.ts";
import type { DiscordChannelConfig } from "./config.ts";
import { connect, createDiscordClient, watchConnection } from "./connection.ts";
import { parseMessage, parsePress } from "./inbound.ts";
import { DiscordSender } from "./sender.ts";

export type { DiscordChannelConfig } from "./config.ts";

export function createDiscordChannel(config: DiscordChannelConfig): Channel {
  let client: Client | undefined;
  let host: ChannelHost | undefined;
  let log: Logger | undefined;
  let sender: DiscordSender | undefined;
  /** Aborted by stop(): cuts rate-limit waits short. */
  let lifecycle = new AbortController();
  const health = new HealthTracker();
  // The gateway does not redeliver: a message that cannot be stored yet is retried, in order.
  const storeInOrder = createOrderedStore();

  async function onMessage(message: Message): Promise<void> {
    if (!host || !log || !client?.user) return;
    let parsed: ReturnType<typeof parseMessage>;
    try {
      parsed = parseMessage(message, { botId: client.user.id, allowGuilds: config.allowGuilds === true });
    } catch (error) {
      log.warn("skipped a malformed message", { messageId: message.id, error });
      return;
    }
    if (parsed.kind === "skip") {
      log.debug("skipped a message", { messageId: message.id, reason: parsed.reason });
      return;
    }
    await storeInOrder((inbound) => (host as ChannelHost).onMessage(inbound), parsed.message, log);
  }

  /** Acknowledge first (Discord allows 3 s), decide, then tell the presser if nothing happened. */
  async function onButton(interaction: ButtonInteraction): Promise<void> {
    if (!host || !log) return;
    const action = parsePress(interaction);
    if (!action) {
      log.warn("a button press that does not decode", { customId: interaction.customId.slice(0, 100) });
      await interaction.reply({ content: STALE_PRESS_NOTICE, flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.deferUpdate();
    let result: Awaited<ReturnType<ChannelHost["onAction"]>>;
    try {
      result = await host.onAction(action);
    } catch (error) {
      log.error("could not record an approval decision", { approval: action.approvalId, error });
      result = { ok: false, notice: FAILED_PRESS_NOTICE };
    }
    if (!result.ok) await interaction.followUp({ content: result.notice, flags: MessageFlags.Ephemeral });
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isButton()) return onButton(interaction);
    log?.warn("ignored an interaction that is not a button press", { type: interaction.type });
    if (interaction.isRepliable())
      await interaction.reply({
        content: "I only understand the approval buttons.",
        flags: MessageFlags.Ephemeral,
      });
  }

  function requireSender(): DiscordSender {
    if (!sender) throw new Error("the Discord channel is not started");
    return sender;
  }

  return {
    id: "discord",
    async start(channelHost) {
      host = channelHost;
      log = channelHost.log;
      lifecycle = new AbortController();
      health.connecting();
      const channelLog = log;
      const created = createDiscordClient(config, channelLog);
      client = created;
      sender = new DiscordSender(created.rest, {
        log: channelLog,
        maxRateLimitWaitMs: config.maxRateLimitWaitMs ?? MAX_RATE_LIMIT_WAIT_MS,
        stopSignal: lifecycle.signal,
      });
      watchConnection(created, channelLog, (next) => health.report(next));
      created.on(Events.MessageCreate, (message) => {
        onMessage(message).catch((error: unknown) =>
          channelLog.error("could not handle a message", { messageId: message.id, error }),
        );
      });
      created.on(Events.InteractionCreate, (interaction) => {
        onInteraction(interaction).catch((error: unknown) =>
          channelLog.warn("could not answer an interaction", { interaction: interaction.id, error }),
        );
      });
      try {
        await connect(created, config.token, config.readyTimeoutMs ?? 30_000);
      } catch (error) {
        health.degraded(error instanceof Error ? error.message : String(error));
        await created.destroy();
        throw error;
      }
      health.ok(`connected as ${created.user?.tag}`);
      channelLog.info("discord connected", { bot: created.user?.tag });
    },
    async stop() {
      lifecycle.abort();
      health.stopped();
      await client?.destroy();
      client = undefined;
    },
    async send(to, message) {
      return requireSender().send(to.chatId, message.text);
    },
    async edit(ref, message) {
      await requireSender().edit(ref, message.text);
    },
    async setTyping(to) {
      await requireSender().typing(to.chatId);
    },
    async askApproval(to, prompt) {
      const messageId = await requireSender().post(to.chatId, approvalPromptText(prompt), {
        components: [approvalRow(prompt)],
      });
      return { chatId: to.chatId, messageId };
    },
    async settleApproval(ref, outcome, prompt) {
      await requireSender().patch(ref.chatId, ref.messageId, settledPromptText(prompt, outcome), {
        components: [approvalRow(prompt, outcome)],
      });
    },
    health: () => health.current(),
  };
}
