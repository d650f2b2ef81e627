/** What the Slack channel needs; `channels/index.ts` fills it from the host configuration. */
export interface SlackChannelConfig {
  botToken: string;
  /** App-level token (xapp-…): Socket Mode. Without it, HTTP mode on the gateway. */
  appToken?: string;
  /** HTTP mode: verifies X-Slack-Signature. */
  signingSecret?: string;
  /** Web API base, e.g. https://slack.com/api/ (or the test fake). */
  apiUrl?: string;
}
