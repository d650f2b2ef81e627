/**
 * The payloads Slack sends an app, shaped like captured real ones: an Events API
 * `event_callback` wrapping a `message` event, and a `block_actions` interaction for a button
 * press. The same payload travels in a Socket Mode envelope or a signed HTTP request.
 */
import type { FakeButton, FakeMessage } from "./fake-state.ts";

export interface Workspace {
  teamId: string;
  appId: string;
  botUserId: string;
  botId: string;
}

let eventCount = 0;

export interface MessageEventInput {
  user: string;
  channel: string;
  ts: string;
  text: string;
  channelType?: "im" | "channel" | "group" | "mpim";
  /** Extra event fields (subtype, files, bot_id…) or overrides. */
  extra?: Record<string, unknown>;
}

export function messageEvent(input: MessageEventInput): Record<string, unknown> {
  return {
    type: "message",
    channel: input.channel,
    user: input.user,
    text: input.text,
    ts: input.ts,
    event_ts: input.ts,
    channel_type: input.channelType ?? "im",
    client_msg_id: crypto.randomUUID(),
    blocks: [],
    ...input.extra,
  };
}

/** Wraps an event as Slack's Events API delivers it. */
export function eventCallback(workspace: Workspace, event: Record<string, unknown>): Record<string, unknown> {
  eventCount++;
  return {
    token: "verification-token-unused",
    team_id: workspace.teamId,
    context_team_id: workspace.teamId,
    api_app_id: workspace.appId,
    event,
    type: "event_callback",
    event_id: `Ev${String(eventCount).padStart(8, "0")}${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: workspace.teamId,
        user_id: workspace.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-fake-${eventCount}`,
  };
}

export interface PressInput {
  user: string;
  message: FakeMessage;
  button: FakeButton;
  responseUrl: string;
}

export function blockActions(workspace: Workspace, input: PressInput): Record<string, unknown> {
  const { message, button } = input;
  return {
    type: "block_actions",
    user: {
      id: input.user,
      username: input.user.toLowerCase(),
      name: input.user.toLowerCase(),
      team_id: workspace.teamId,
    },
    api_app_id: workspace.appId,
    token: "verification-token-unused",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    trigger_id: `${Date.now()}.${Math.floor(Math.random() * 1e9)}`,
    team: { id: workspace.teamId, domain: "fake-workspace" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: "directmessage" },
    message: {
      type: "message",
      user: workspace.botUserId,
      bot_id: workspace.botId,
      text: message.text,
      ts: message.ts,
      blocks: message.blocks,
    },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        ...button,
        block_id: "ironclaw_approval",
        type: "button",
        action_ts: `${(Date.now() / 1000).toFixed(6)}`,
      },
    ],
  };
}
