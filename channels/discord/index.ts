/** The Discord channel (discord.js). Being built. */
import type { Channel } from "../../src/plugin/channel.ts";
import type { DiscordChannelConfig } from "./config.ts";

export type { DiscordChannelConfig } from "./config.ts";

export function createDiscordChannel(_config: DiscordChannelConfig): Channel {
  throw new Error("The Discord channel is not built yet");
}
