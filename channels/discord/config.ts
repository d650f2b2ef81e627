/** What the Discord channel needs, and the variables it is configured by. */
import {
  declareChannelConfig,
  parseNonEmpty,
  parseNumericId,
  parseUrl,
} from "../../src/plugin/channel-config.ts";

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

/** Discord's variables, owner id and enabling rule (see src/plugin/channel-config.ts). */
export const discordConfig = declareChannelConfig<DiscordChannelConfig>({
  id: "discord",
  variables: [
    {
      name: "DISCORD_BOT_TOKEN",
      doc: "Discord bot token; enables Discord",
      parse: parseNonEmpty,
      secret: true,
    },
    {
      name: "DISCORD_OWNER_ID",
      doc: "Numeric Discord user id of the owner; unset = pairing",
      parse: parseNumericId,
    },
    {
      name: "DISCORD_API_URL",
      doc: "Discord REST base (a test fake); the gateway URL comes from GET /gateway/bot",
      parse: parseUrl(["http", "https"]),
    },
  ],
  ownerIdVariable: "DISCORD_OWNER_ID",
  missing: (values) => (values.DISCORD_BOT_TOKEN ? null : "DISCORD_BOT_TOKEN is not set"),
  options: (values) => ({
    token: values.DISCORD_BOT_TOKEN as string,
    apiUrl: values.DISCORD_API_URL as string | undefined,
  }),
});
