/**
 * The registry of built-in channels: one line per channel, pairing its configuration declaration
 * (channels/<name>/config.ts: variables, owner id, enabling rule) with its factory. A channel is
 * enabled exactly when its declaration says its configuration is complete; otherwise `missing`
 * names the variable to set (shown by `ironclaw doctor`). The config loader reads the variables
 * from `channelVariables` below, so adding a channel touches its folder and one line here.
 * The terminal chat is not listed: it is one of the host's own surfaces, not a plugin.
 */
import type { Channel } from "../src/plugin/channel.ts";
import {
  type ChannelConfigDeclaration,
  type ConfigValues,
  type ConfigVariable,
  declaredOwnerId,
} from "../src/plugin/channel-config.ts";
import { asHostSurface, type HostSurfaceChannel } from "../src/plugin/registry.ts";
import { discordConfig } from "./discord/config.ts";
import { slackConfig } from "./slack/config.ts";
import { telegramConfig } from "./telegram/config.ts";
import { createTerminalChannel, type TerminalChannelOptions } from "./terminal/index.ts";

/** What the channel registry reads of the loaded configuration: the parsed values by name. */
export interface ConfiguredValues {
  readonly values: ConfigValues;
}

export interface ChannelEntry<Options = unknown> {
  config: ChannelConfigDeclaration<Options>;
  /**
   * The factory; absent while the channel is not built yet. Platform SDKs are imported here, on
   * demand, so a bot on one platform does not pay start-up time and memory for the others.
   */
  create?(options: Options): Promise<Channel>;
}

function entry<Options>(value: ChannelEntry<Options>): ChannelEntry {
  return value as ChannelEntry;
}

export const channelEntries: readonly ChannelEntry[] = [
  entry({
    config: telegramConfig,
    create: async (options) => (await import("./telegram/index.ts")).createTelegramChannel(options),
  }),
  entry({
    config: discordConfig,
    create: async (options) => (await import("./discord/index.ts")).createDiscordChannel(options),
  }),
  entry({
    config: slackConfig,
    create: async (options) => (await import("./slack/index.ts")).createSlackChannel(options),
  }),
];

/** Every built-in channel's variables, in registry order (the config table includes them). */
export const channelVariables: readonly ConfigVariable[] = channelEntries.flatMap(
  (channel) => channel.config.variables,
);

/** The configured owner id of a built-in channel; undefined for pairing or an unknown id. */
export function channelOwnerId(values: ConfigValues, channelId: string): string | undefined {
  const found = channelEntries.find((channel) => channel.config.id === channelId);
  return found ? declaredOwnerId(found.config, values) : undefined;
}

export interface ChannelStatus {
  id: string;
  enabled: boolean;
  available: boolean;
  reason?: string;
}

export function describeChannels(config: ConfiguredValues): ChannelStatus[] {
  return channelEntries.map(({ config: declaration, create }) => {
    const missing = declaration.missing(config.values);
    if (missing)
      return { id: declaration.id, enabled: false, available: create !== undefined, reason: missing };
    if (!create) {
      return {
        id: declaration.id,
        enabled: false,
        available: false,
        reason: "configured, but not available in this build yet",
      };
    }
    return { id: declaration.id, enabled: true, available: true };
  });
}

/**
 * The channels to start: every enabled platform channel, plus the terminal chat (a host surface)
 * when the process is interactive and no platform channel is configured.
 */
export async function createEnabledChannels(
  config: ConfiguredValues,
  options: { interactive: boolean; terminal?: TerminalChannelOptions },
): Promise<(Channel | HostSurfaceChannel)[]> {
  const channels: (Channel | HostSurfaceChannel)[] = [];
  for (const { config: declaration, create } of channelEntries) {
    if (!declaration.missing(config.values) && create) {
      channels.push(await create(declaration.options(config.values)));
    }
  }
  if (channels.length === 0 && options.interactive) {
    channels.push(asHostSurface(createTerminalChannel(options.terminal)));
  }
  return channels;
}
