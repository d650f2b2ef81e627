/** What the Discord channel needs; `channels/index.ts` fills it from the host configuration. */
export interface DiscordChannelConfig {
  token: string;
  /** REST base without the version segment (https://discord.com/api, or the test fake). */
  apiUrl?: string;
}
