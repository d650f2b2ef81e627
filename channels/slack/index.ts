/** The Slack channel (@slack/bolt). Being built. */
import type { Channel } from "../../src/plugin/channel.ts";
import type { SlackChannelConfig } from "./config.ts";

export type { SlackChannelConfig } from "./config.ts";

export function createSlackChannel(_config: SlackChannelConfig): Channel {
  throw new Error("The Slack channel is not built yet");
}
