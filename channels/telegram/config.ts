/** What the Telegram channel needs, and the variables it is configured by. */
import {
  declareChannelConfig,
  parseNonEmpty,
  parseNumericId,
  parseOneOf,
  parseUrl,
} from "../../src/plugin/channel-config.ts";

export interface TelegramChannelConfig {
  token: string;
  /** Bot API server root: https://api.telegram.org, a self-hosted server, or the test fake. */
  apiRoot: string;
  mode: "polling" | "webhook";
  /** Checked against X-Telegram-Bot-Api-Secret-Token in webhook mode. */
  webhookSecret?: string;
  /** Long-poll timeout in seconds (Telegram holds getUpdates this long when idle). */
  pollTimeoutSeconds?: number;
  /** How long past the poll timeout a getUpdates may take before the watchdog restarts it. */
  watchdogMarginMs?: number;
  /** Answer in group chats too (default: direct messages only). */
  allowGroups?: boolean;
  /** How many times a 429 is retried after its retry_after. */
  maxRateLimitRetries?: number;
}

/** Telegram's variables, owner id and enabling rule (see src/plugin/channel-config.ts). */
export const telegramConfig = declareChannelConfig<TelegramChannelConfig>({
  id: "telegram",
  variables: [
    {
      name: "TELEGRAM_BOT_TOKEN",
      doc: "Telegram bot token from @BotFather; enables Telegram",
      parse: parseNonEmpty,
      secret: true,
    },
    {
      name: "TELEGRAM_OWNER_ID",
      doc: "Numeric Telegram user id of the owner; unset = pairing",
      parse: parseNumericId,
    },
    {
      name: "TELEGRAM_API_ROOT",
      doc: "Bot API server root (self-hosted, or a test fake)",
      parse: parseUrl(["http", "https"]),
      default: "https://api.telegram.org",
    },
    {
      name: "TELEGRAM_MODE",
      doc: "polling or webhook",
      parse: parseOneOf(["polling", "webhook"] as const),
      default: "polling",
    },
    {
      name: "TELEGRAM_WEBHOOK_SECRET",
      doc: "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (webhook mode)",
      parse: parseNonEmpty,
      secret: true,
    },
  ],
  ownerIdVariable: "TELEGRAM_OWNER_ID",
  missing: (values) => {
    if (!values.TELEGRAM_BOT_TOKEN) return "TELEGRAM_BOT_TOKEN is not set";
    if (values.TELEGRAM_MODE === "webhook" && !values.TELEGRAM_WEBHOOK_SECRET) {
      return "TELEGRAM_WEBHOOK_SECRET is not set (required in webhook mode)";
    }
    return null;
  },
  options: (values) => ({
    token: values.TELEGRAM_BOT_TOKEN as string,
    apiRoot: values.TELEGRAM_API_ROOT as string,
    mode: values.TELEGRAM_MODE as "polling" | "webhook",
    webhookSecret: values.TELEGRAM_WEBHOOK_SECRET as string | undefined,
  }),
});
