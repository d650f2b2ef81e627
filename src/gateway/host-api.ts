/**
 * The API wired to the running host: chat sends go into the inbound pipeline as the `api`
 * channel (thread id = chat id) — a host surface, registered by the host itself, so trusted by
 * registration rather than by the name — approvals to the approvals service, history to the database,
 * and the limits come from configuration (GATEWAY_AUTH_TOKEN, GATEWAY_RATE_LIMIT). `app.ts`
 * mounts what this returns; tests mount the same on a host built on a test database.
 *
 * The same `feed` must be given to the host as the `api` surface (`surfaces.api`), so what the
 * host says on API threads outside a request (restart notices, resumed turns) reaches the
 * event stream.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { listThreadMessages } from "../db/thread-history.ts";
import type { Logger } from "../log.ts";
import { type ApiDependencies, createApiRoutes, type HistoryApi } from "./api.ts";
import type { HostApiPort } from "./ports.ts";
import type { RouteHandler } from "./server.ts";
import type { ThreadFeed } from "./thread-feed.ts";

/** The channel id of API conversations. */
export const apiChannel = "api";

export interface HostApiOptions {
  host: HostApiPort;
  db: Database;
  config: Config;
  feed: ThreadFeed;
  log: Logger;
  /** Test knobs of the API itself (reply timeout, keepalive, clock). */
  tuning?: Pick<ApiDependencies, "replyTimeoutMs" | "keepaliveMs" | "now">;
}

export function createThreadHistory(db: Database): HistoryApi {
  return {
    async list(threadId, page) {
      const found = await listThreadMessages(db, apiChannel, threadId, page);
      return {
        hasMore: found.hasMore,
        messages: found.messages.map((message) => ({
          id: message.id,
          role: message.role,
          text: message.content,
          createdAt: message.createdAt,
          sequence: message.sequence ?? 0,
        })),
      };
    },
  };
}

export function createHostApiRoutes(options: HostApiOptions): RouteHandler[] {
  const { host, config } = options;
  const token = config.gateway.authToken;
  if (!token) throw new Error("createHostApiRoutes: GATEWAY_AUTH_TOKEN must be set before the API starts");
  return createApiRoutes({
    token,
    approvals: host.approvals,
    chat: {
      send: (input, responder) =>
        host.pipeline.handle(
          {
            channel: apiChannel,
            chatId: input.threadId,
            senderId: "api",
            messageId: input.messageId,
            text: input.text,
            isDirect: true,
          },
          responder,
        ),
    },
    events: host.bus,
    history: createThreadHistory(options.db),
    feed: options.feed,
    log: options.log,
    sendLimit: config.gateway.rateLimit,
    ...options.tuning,
  });
}
