/** What the Telegram channel needs; `channels/index.ts` fills it from the host configuration. */
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
