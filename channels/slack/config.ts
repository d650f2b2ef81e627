/** What the Slack channel needs; `channels/index.ts` fills it from the host configuration. */
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
