/** What the Slack channel needs, and the variables it is configured by. */
import { declareChannelConfig, parseNonEmpty, parseUrl } from "../../src/plugin/channel-config.ts";

export interface SlackChannelConfig {
  botToken: string;
  /** App-level token (xapp-…): Socket Mode. Without it, HTTP mode on the gateway. */
  appToken?: string;
  /** HTTP mode: verifies X-Slack-Signature. */
  signingSecret?: string;
  /** Web API base, e.g. https://slack.com/api/ (or the test fake). */
  apiUrl?: string;
  /** Answer messages in channels the bot is in, too (default: direct messages only). */
  allowChannels?: boolean;
  /**
   * Socket Mode: a connection with no events and no pongs for this long is dropped and opened
   * anew; the same bound applies to a connection that never says hello. Default 20 s.
   */
  livenessTimeoutMs?: number;
  /** Socket Mode: the first pause before reconnecting after a failed attempt (doubles up to 30 s). */
  reconnectDelayMs?: number;
  /** How many times a 429 is retried after its Retry-After. */
  maxRateLimitRetries?: number;
}

/** Slack's variables, owner id and enabling rule (see src/plugin/channel-config.ts). */
export const slackConfig = declareChannelConfig<SlackChannelConfig>({
  id: "slack",
  variables: [
    {
      name: "SLACK_BOT_TOKEN",
      doc: "Slack bot token (xoxb-…); enables Slack",
      parse: parseNonEmpty,
      secret: true,
    },
    {
      name: "SLACK_APP_TOKEN",
      doc: "Slack app-level token (xapp-…); enables Socket Mode",
      parse: parseNonEmpty,
      secret: true,
    },
    {
      name: "SLACK_SIGNING_SECRET",
      doc: "Slack signing secret (HTTP mode)",
      parse: parseNonEmpty,
      secret: true,
    },
    { name: "SLACK_OWNER_ID", doc: "Slack user id of the owner (U…); unset = pairing", parse: parseNonEmpty },
    { name: "SLACK_API_URL", doc: "Slack Web API base (a test fake)", parse: parseUrl(["http", "https"]) },
  ],
  ownerIdVariable: "SLACK_OWNER_ID",
  missing: (values) => {
    if (!values.SLACK_BOT_TOKEN) return "SLACK_BOT_TOKEN is not set";
    if (!values.SLACK_APP_TOKEN && !values.SLACK_SIGNING_SECRET) {
      return "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is not set";
    }
    return null;
  },
  options: (values) => ({
    botToken: values.SLACK_BOT_TOKEN as string,
    appToken: values.SLACK_APP_TOKEN as string | undefined,
    signingSecret: values.SLACK_SIGNING_SECRET as string | undefined,
    apiUrl: values.SLACK_API_URL as string | undefined,
  }),
});
