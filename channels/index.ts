/**
 * The registry of built-in channels. A channel is enabled exactly when its credentials are
 * configured; `describe` says which variable is missing otherwise (shown by `ironclaw doctor`).
 * `create` is absent while a channel is not available in this build.
 */
import type { Config } from "../src/config.ts";
import type { Channel } from "../src/plugin/channel.ts";
import { createTerminalChannel, type TerminalChannelOptions } from "./terminal/index.ts";

export interface ChannelEntry {
  id: string;
  /** Why the channel is off, or null when its configuration is complete. */
  missing(config: Config): string | null;
  /**
   * The factory; absent while the channel is not built yet. Platform SDKs are imported here, on
   * demand, so a bot on one platform does not pay start-up time and memory for the others.
   */
  create?(config: Config): Promise<Channel>;
}

export const channelEntries: readonly ChannelEntry[] = [
  {
    id: "telegram",
    missing: (config) => {
      if (!config.telegram.botToken) return "TELEGRAM_BOT_TOKEN is not set";
      if (config.telegram.mode === "webhook" && !config.telegram.webhookSecret) {
        return "TELEGRAM_WEBHOOK_SECRET is not set (required in webhook mode)";
      }
      return null;
    },
    create: async (config) =>
      (await import("./telegram/index.ts")).createTelegramChannel({
        token: config.telegram.botToken as string,
        apiRoot: config.telegram.apiRoot,
        mode: config.telegram.mode,
        webhookSecret: config.telegram.webhookSecret,
      }),
  },
  {
    id: "discord",
    missing: (config) => (config.discord.botToken ? null : "DISCORD_BOT_TOKEN is not set"),
    create: async (config) =>
      (await import("./discord/index.ts")).createDiscordChannel({
        token: config.discord.botToken as string,
        apiUrl: config.discord.apiUrl,
      }),
  },
  {
    id: "slack",
    missing: (config) => {
      if (!config.slack.botToken) return "SLACK_BOT_TOKEN is not set";
      if (!config.slack.appToken && !config.slack.signingSecret) {
        return "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is not set";
      }
      return null;
    },
    create: async (config) =>
      (await import("./slack/index.ts")).createSlackChannel({
        botToken: config.slack.botToken as string,
        appToken: config.slack.appToken,
        signingSecret: config.slack.signingSecret,
        apiUrl: config.slack.apiUrl,
      }),
  },
];

export interface ChannelStatus {
  id: string;
  enabled: boolean;
  available: boolean;
  reason?: string;
}

export function describeChannels(config: Config): ChannelStatus[] {
  return channelEntries.map((entry) => {
    const missing = entry.missing(config);
    if (missing)
      return { id: entry.id, enabled: false, available: entry.create !== undefined, reason: missing };
    if (!entry.create) {
      return {
        id: entry.id,
        enabled: false,
        available: false,
        reason: "configured, but not available in this build yet",
      };
    }
    return { id: entry.id, enabled: true, available: true };
  });
}

/**
 * The channels to start: every enabled platform channel, plus the terminal chat when the process
 * is interactive and no platform channel is configured.
 */
export async function createEnabledChannels(
  config: Config,
  options: { interactive: boolean; terminal?: TerminalChannelOptions },
): Promise<Channel[]> {
  const channels: Channel[] = [];
  for (const entry of channelEntries) {
    if (!entry.missing(config) && entry.create) channels.push(await entry.create(config));
  }
  if (channels.length === 0 && options.interactive) channels.push(createTerminalChannel(options.terminal));
  return channels;
}
