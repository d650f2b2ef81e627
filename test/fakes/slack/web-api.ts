/**
 * The fake's Web API methods, with the checks real Slack makes that a channel can get wrong:
 * the right token type per method, known channels and messages, Block Kit limits (50 blocks,
 * 3,000 characters per section, button fields) and 40,000 characters of `text` (`msg_too_long`).
 * Every method answers HTTP 200 with `{ ok: true, … }` or `{ ok: false, error }`, as Slack does.
 */
import type { FakeState } from "./fake-state.ts";

export type Params = Record<string, unknown>;
export type MethodResult = { ok: true; [key: string]: unknown } | { ok: false; error: string };
export type Caller = { token: string; kind: "bot" | "app" | "unknown" };
type Method = (params: Params, caller: Caller) => MethodResult;

export interface Identity {
  botUserId: string;
  botId: string;
  teamId: string;
  /** Called by apps.connections.open: the ws:// URL for the next Socket Mode connection. */
  socketUrl: () => string;
}

const fail = (error: string): MethodResult => ({ ok: false, error });
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function blocksOf(params: Params): unknown[] | "invalid" {
  const raw = typeof params.blocks === "string" ? safeJson(params.blocks) : params.blocks;
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : "invalid";
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return "invalid";
  }
}

/** Why Slack would reject these blocks, or undefined when it would accept them. */
export function blocksProblem(blocks: unknown[]): string | undefined {
  if (blocks.length > 50) return "more than 50 blocks";
  for (const block of blocks) {
    const {
      type,
      text: blockText,
      elements,
    } = block as { type?: string; text?: { text?: unknown }; elements?: unknown };
    if (type === "section") {
      const content = blockText?.text;
      if (typeof content !== "string" || content.length === 0) return "a section without text";
      if (content.length > 3000) return `a section of ${content.length} characters (max 3000)`;
    } else if (type === "actions") {
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
        return "bad actions block";
      for (const element of elements as {
        action_id?: unknown;
        value?: unknown;
        text?: { text?: unknown };
      }[]) {
        if (typeof element.action_id !== "string" || element.action_id.length > 255) return "bad action_id";
        if (element.value !== undefined && (typeof element.value !== "string" || element.value.length > 2000))
          return "bad button value";
        if (typeof element.text?.text !== "string" || element.text.text.length > 75) return "bad button text";
      }
    } else if (type !== "context" && type !== "divider" && type !== "header")
      return `unknown block type ${type}`;
  }
  return undefined;
}

function content(params: Params): { text: string; blocks: unknown[] } | { error: string } {
  const blocks = blocksOf(params);
  if (blocks === "invalid" || blocksProblem(blocks)) return { error: "invalid_blocks" };
  const body = text(params.text) ?? "";
  if (body === "" && blocks.length === 0) return { error: "no_text" };
  if (body.length > 40_000) return { error: "msg_too_long" };
  return { text: body, blocks };
}

export function createMethods(state: FakeState, identity: Identity): Record<string, Method> {
  const botOnly =
    (method: Method): Method =>
    (params, caller) =>
      caller.kind === "bot"
        ? method(params, caller)
        : fail(caller.kind === "app" ? "not_allowed_token_type" : "invalid_auth");
  const knownChannel = (channel: string | undefined) =>
    channel !== undefined && state.memberOf(channel) !== undefined;

  return {
    "auth.test": botOnly(() => ({
      ok: true,
      url: "https://fake-workspace.slack.com/",
      team: "Fake Workspace",
      user: "ironclaw",
      team_id: identity.teamId,
      user_id: identity.botUserId,
      bot_id: identity.botId,
      is_enterprise_install: false,
    })),
    "apps.connections.open": (_params, caller) =>
      caller.kind === "app"
        ? { ok: true, url: identity.socketUrl() }
        : fail(caller.kind === "bot" ? "not_allowed_token_type" : "invalid_auth"),
    "chat.postMessage": botOnly((params) => {
      const channel = text(params.channel);
      if (!knownChannel(channel)) return fail("channel_not_found");
      const body = content(params);
      if ("error" in body) return fail(body.error);
      const message = state.post(channel as string, body.text, body.blocks);
      return {
        ok: true,
        channel: message.channel,
        ts: message.ts,
        message: {
          type: "message",
          text: message.text,
          ts: message.ts,
          user: identity.botUserId,
          bot_id: identity.botId,
        },
      };
    }),
    "chat.update": botOnly((params) => {
      const message = state.find(text(params.channel) ?? "", text(params.ts) ?? "");
      if (!message) return fail("message_not_found");
      const body = content(params);
      if ("error" in body) return fail(body.error);
      state.update(message, body.text, body.blocks);
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    }),
    "chat.delete": botOnly((params) => {
      const message = state.find(text(params.channel) ?? "", text(params.ts) ?? "");
      if (!message) return fail("message_not_found");
      message.deleted = true;
      return { ok: true, channel: message.channel, ts: message.ts };
    }),
    "chat.postEphemeral": botOnly((params) => {
      const channel = text(params.channel);
      const user = text(params.user);
      if (!knownChannel(channel)) return fail("channel_not_found");
      if (!user || state.memberOf(channel as string) !== user) return fail("user_not_in_channel");
      const body = text(params.text) ?? "";
      if (body === "") return fail("no_text");
      state.ephemerals.push({
        channel: channel as string,
        user,
        text: body,
        via: "chat.postEphemeral",
        at: Date.now(),
      });
      return { ok: true, message_ts: state.nextTs() };
    }),
  };
}

/** Reads a Web API request body: form-encoded (JSON in object fields) or JSON. */
export async function readParams(request: Request): Promise<Params> {
  const type = request.headers.get("content-type") ?? "";
  const raw = await request.text();
  if (type.includes("application/json")) return raw.trim() === "" ? {} : (JSON.parse(raw) as Params);
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = /^[[{]/.test(value) ? (safeJson(value) === "invalid" ? value : safeJson(value)) : value;
  }
  return params;
}
