/** What the Discord channel needs; `channels/index.ts` fills it from the host configuration. */
export interface DiscordChannelConfig {
  token: string;
  /** REST base without the version segment (https://discord.com/api, or the test fake). */
  apiUrl?: string;
  /**
   * Also answer in server (guild) channels when the bot is @mentioned; adds the GuildMessages
   * intent. Default false: direct messages only.
   */
  allowGuilds?: boolean;
  /** A request Discord rate-limits for longer than this fails instead of waiting (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** How long `start()` waits for the gateway session to be ready (default 30 s). */
  readyTimeoutMs?: number;
}
