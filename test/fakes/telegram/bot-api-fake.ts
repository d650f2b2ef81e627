/**
 * A fake Telegram Bot API server for tests that drive the real grammy client over HTTP: it
 * answers `POST /bot<token>/<method>` (JSON, urlencoded or multipart bodies, as grammy may send)
 * with Telegram's envelope, `{ ok: true, result }` or `{ ok: false, error_code, description,
 * parameters? }`, and implements real long polling (see update-queue.ts).
 *
 *   const telegram = startTelegramFake({ token: "123:abc" });
 *   const bot = new Bot("123:abc", { client: { apiRoot: telegram.apiRoot } });
 *   telegram.pushMessage({ from: 42, text: "hello" });
 *   await telegram.waitFor((call) => call.method === "sendMessage");
 *   telegram.messages(42).at(-1)?.text;
 */
import type { CallbackQuery, Update, UserFromGetMe } from "grammy/types";
import { type ChatInput, type FakeMessage, FakeState, type UserInput } from "./fake-state.ts";
import { createMethods, type Params, type TelegramErrorBody } from "./methods.ts";
import { UpdateQueue } from "./update-queue.ts";
import { errorResponse, json, readParams } from "./wire.ts";

export type { FakeMessage, FakeMessageEdit } from "./fake-state.ts";
export type { TelegramErrorBody } from "./methods.ts";

/** One request the fake received with the right token, in arrival order. */
export interface RecordedCall {
  method: string;
  params: Params;
  /** Date.now() on arrival. */
  at: number;
}

export interface TelegramFakeOptions {
  /** Defaults to "123456789:TEST-token"; the bot id is the part before the colon. */
  token?: string;
  bot?: Partial<UserFromGetMe>;
}

export interface TelegramFake {
  apiRoot: string;
  token: string;
  /** Pass as `new Bot(token, { botInfo })` to skip getMe. */
  botInfo: UserFromGetMe;
  calls: RecordedCall[];
  pushUpdate(update: Omit<Update, "update_id"> & { update_id?: number }): Update;
  pushMessage(input: { from: UserInput; chat?: ChatInput; text: string }): Update;
  /** A press on an inline button of the message `messageId` in `chatId` (default: the sender's chat). */
  pushCallbackQuery(input: { from: UserInput; messageId: number; chatId?: number; data: string }): Update;
  /** The next `times` calls to `method` fail with `error` (HTTP status = error_code). */
  failNext(method: string, error: TelegramErrorBody, times?: number): void;
  /** Drops every failure queued by `failNext`. */
  clearFailures(): void;
  /** Holds getUpdates unanswered: `true` until `stallPolling(false)`, a number for that many ms. */
  stallPolling(stall: number | boolean): void;
  /** Hands the last delivered batch out again, whatever the offset; returns those updates. */
  redeliver(): Update[];
  /** The bot's messages in a chat, current state and edit history, deleted ones flagged. */
  messages(chatId: number): FakeMessage[];
  /** Resolves with the first recorded call (past or future) that satisfies `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

const DEFAULT_TOKEN = "123456789:TEST-token";

function pollNumber(value: unknown): number | undefined {
  const number = typeof value === "string" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : undefined;
}

export function startTelegramFake(options: TelegramFakeOptions = {}): TelegramFake {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo: UserFromGetMe = {
    id: Number(token.split(":")[0]) || 123456789,
    is_bot: true,
    first_name: "IronClaw Test",
    username: "ironclaw_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    ...options.bot,
  } as UserFromGetMe;
  const state = new FakeState(botInfo);
  const queue = new UpdateQueue();
  const methods = createMethods(state, queue);
  const calls: RecordedCall[] = [];
  const failures = new Map<string, TelegramErrorBody[]>();
  const watchers = new Set<(call: RecordedCall) => void>();

  async function getUpdates(params: Params, signal: AbortSignal): Promise<Response> {
    if (state.webhook.url !== "") {
      const description =
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
      return errorResponse({ error_code: 409, description });
    }
    const poll = {
      offset: pollNumber(params.offset),
      limit: pollNumber(params.limit),
      timeout: pollNumber(params.timeout),
    };
    const outcome = await queue.poll(poll, signal);
    if ("conflict" in outcome) {
      const description =
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
      return errorResponse({ error_code: 409, description });
    }
    return json(200, { ok: true, result: outcome.updates });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!route) return errorResponse({ error_code: 404, description: "Not Found" });
    if (route[1] !== token) return errorResponse({ error_code: 401, description: "Unauthorized" });
    const method = route[2] ?? "";
    let params: Params;
    try {
      params = await readParams(request, url);
    } catch (error) {
      return errorResponse({
        error_code: 400,
        description: `Bad Request: can't parse request body: ${error}`,
      });
    }
    const call = { method, params, at: Date.now() };
    calls.push(call);
    for (const watcher of [...watchers]) watcher(call);
    const injected = failures.get(method)?.shift();
    if (injected) return errorResponse(injected);
    if (method === "getUpdates") return getUpdates(params, request.signal);
    const handler = methods[method];
    if (!handler) return errorResponse({ error_code: 404, description: "Not Found" });
    const outcome = handler(params);
    return outcome.ok ? json(200, { ok: true, result: outcome.result }) : errorResponse(outcome.error);
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: handle });

  return {
    apiRoot: `http://127.0.0.1:${server.port}`,
    token,
    botInfo,
    calls,
    pushUpdate: (update) => queue.push(update),
    pushMessage: ({ from, chat, text }) => queue.push({ message: state.userMessage(from, chat, text) }),
    pushCallbackQuery: ({ from, messageId, chatId, data }) => {
      const query: CallbackQuery = state.callbackQuery(from, chatId, messageId, data);
      return queue.push({ callback_query: query });
    },
    failNext(method, error, times = 1) {
      const queued = failures.get(method) ?? [];
      for (let count = 0; count < times; count++) queued.push(error);
      failures.set(method, queued);
    },
    clearFailures: () => failures.clear(),
    stallPolling: (stall) => queue.stall(stall),
    redeliver: () => queue.redeliver(),
    messages: (chatId) => state.messages(chatId),
    waitFor(predicate, timeoutMs = 2000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const watcher = (call: RecordedCall) => {
          if (!predicate(call)) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve(call);
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          const seen = calls.map((call) => call.method).join(", ") || "none";
          reject(new Error(`telegram fake: no matching call within ${timeoutMs} ms (calls: ${seen})`));
        }, timeoutMs);
        watchers.add(watcher);
      });
    },
    async close() {
      queue.close();
      await server.stop(true);
    },
  };
}
