/**
 * Starts the real gateway with the real API routes, backed by in-test implementations of the
 * interfaces the API depends on (ChatApi, ApprovalsApi, the event source). They behave like the
 * real services where the API can observe it: the chat dedupes message ids and answers through
 * the responder after the message is "stored"; approvals decide once (compare-and-set); the
 * history pages by sequence. Tests that need the real host and database use host-harness.ts.
 */
import type { AgentEvent } from "../../src/agent/events.ts";
import type { Responder } from "../../src/agent/responder.ts";
import {
  type ApiDependencies,
  type ApprovalStatus,
  type ApprovalsApi,
  type ApprovalView,
  type ChatApi,
  createApiRoutes,
  type DecideResult,
  type HistoryApi,
  type ThreadMessageView,
  type TurnResult,
} from "../../src/gateway/api.ts";
import { type Gateway, type GatewayOptions, startGateway } from "../../src/gateway/server.ts";
import { createThreadFeed } from "../../src/gateway/thread-feed.ts";
import { silentLogger } from "../../src/log.ts";

export const token = "test-token-0123456789abcdef";

/**
 * A chat that replies "pong: <text>", pauses on "risky", stays silent on "silent", fails on "boom",
 * and answers "hold" only once the test calls `release()`.
 */
export function createScriptedChat() {
  const sent: { text: string; threadId: string; messageId: string }[] = [];
  const responders: Responder[] = [];
  const seen = new Set<string>();
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const chat: ChatApi = {
    async send(input, responder) {
      if (input.text === "boom") throw new Error("database unavailable");
      if (seen.has(input.messageId)) return; // the pipeline's dedupe: no responder call at all
      seen.add(input.messageId);
      sent.push(input);
      responders.push(responder);
      // The turn runs after `send` resolved, like the real pipeline's queue.
      setTimeout(async () => {
        if (input.text === "silent") return;
        if (input.text === "hold") await released;
        if (input.text === "/help") {
          await responder.notice("Commands: /new, /help");
          return;
        }
        responder.onDelta("po");
        if (input.text === "risky") {
          await responder.askApproval?.({
            approvalId: "appr-1",
            tool: "shell",
            summary: "rm -rf /tmp/x",
            allowAlways: false,
            expiresAt: new Date("2030-01-01T00:00:00Z"),
          });
          return;
        }
        await responder.finish(`pong: ${input.text}`);
      }, 1);
    },
  };
  return { chat, sent, responders, release: () => release() };
}

/** An in-memory thread history with the real one's paging (by sequence, oldest first). */
export function createFakeHistory(rows: (ThreadMessageView & { threadId: string })[] = []) {
  const calls: { threadId: string; page: { limit: number; before?: number } }[] = [];
  const history: HistoryApi = {
    async list(threadId, page) {
      calls.push({ threadId, page });
      const older = rows
        .filter(
          (row) => row.threadId === threadId && (page.before === undefined || row.sequence < page.before),
        )
        .sort((a, b) => a.sequence - b.sequence);
      const messages = older.slice(-page.limit);
      return { messages, hasMore: older.length > page.limit };
    },
  };
  return { history, rows, calls };
}

export function approvalView(id: string, overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    id,
    tool: "shell",
    summary: `run ${id}`,
    status: "pending",
    turnId: `turn-${id}`,
    conversationId: "conv-1",
    channel: "api",
    chatId: "thread-1",
    createdAt: "2030-01-01T00:00:00.000Z",
    expiresAt: "2030-01-01T00:30:00.000Z",
    decision: null,
    decidedBy: null,
    decidedVia: null,
    decidedAt: null,
    ...overrides,
  };
}

export interface FakeApprovalsOptions {
  /** Tools whose approval is mandatory every time ("always" is refused). */
  mandatoryTools?: string[];
  /** Channels whose actors may decide (the owner's); others are forbidden. */
  ownerChannels?: string[];
  /** Ids whose stored fingerprint no longer matches the call. */
  tampered?: string[];
  /** How the resumed turn ends; a never-settling promise models a long turn. */
  resume?: (approval: ApprovalView) => Promise<TurnResult>;
}

/** An in-memory approvals service with the real one's compare-and-set semantics. */
export function createFakeApprovals(initial: ApprovalView[], options: FakeApprovalsOptions = {}) {
  const rows = new Map(initial.map((row) => [row.id, { ...row }]));
  const actors: { id: string; decision: string; actor: { channel: string; userId: string } }[] = [];
  const outcomes = { approve: "approved", always: "always", deny: "denied" } as const;
  const statusOf = { approve: "approved", always: "approved", deny: "denied" } as const;
  const approvals: ApprovalsApi = {
    async list(filter) {
      return [...rows.values()].filter((row) => !filter.status || row.status === filter.status);
    },
    async decide(id, decision, actor): Promise<DecideResult> {
      actors.push({ id, decision, actor });
      const row = rows.get(id);
      if (!row) return { ok: false, reason: "not_found", message: `no approval ${id}` };
      if (!(options.ownerChannels ?? ["api"]).includes(actor.channel)) {
        return { ok: false, reason: "forbidden", message: "only the owner can decide" };
      }
      if (row.status === "expired") return { ok: false, reason: "expired", message: "it expired" };
      if (row.status !== "pending")
        return { ok: false, reason: "already_decided", message: `already ${row.status}` };
      if (decision === "always" && options.mandatoryTools?.includes(row.tool)) {
        return { ok: false, reason: "always_not_allowed", message: `${row.tool} needs approval every time` };
      }
      if (options.tampered?.includes(id)) {
        return { ok: false, reason: "fingerprint_mismatch", message: "the stored call changed" };
      }
      Object.assign(row, {
        status: statusOf[decision] as ApprovalStatus,
        decision,
        decidedBy: actor.userId,
        decidedVia: actor.channel,
        decidedAt: "2030-01-01T00:01:00.000Z",
      });
      const resumed =
        options.resume?.(row) ??
        Promise.resolve<TurnResult>(
          decision === "deny"
            ? { status: "completed", reply: "Understood, I did not run it." }
            : { status: "completed", reply: `ran ${row.tool}` },
        );
      return { ok: true, outcome: outcomes[decision], approval: { ...row }, resumed };
    },
  };
  return { approvals, rows, actors };
}

/** An event source like AgentEventBus, which also says how many listeners are attached. */
export function createEventSource() {
  const listeners = new Set<(event: AgentEvent) => void | Promise<void>>();
  return {
    subscribe(listener: (event: AgentEvent) => void | Promise<void>) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async publish(event: AgentEvent) {
      for (const listener of listeners) await listener(event);
    },
    listenerCount: () => listeners.size,
  };
}

export interface ApiHarness {
  url: string;
  gateway: Gateway;
  chat: ReturnType<typeof createScriptedChat>;
  approvals: ReturnType<typeof createFakeApprovals>;
  events: ReturnType<typeof createEventSource>;
  history: ReturnType<typeof createFakeHistory>;
  feed: ReturnType<typeof createThreadFeed>;
  /** fetch with the bearer token already set. */
  call(path: string, init?: RequestInit): Promise<Response>;
}

/** Gateway settings a test may change; `routes` are mounted in front of the API's. */
export type GatewayOverrides = Partial<
  Pick<GatewayOptions, "maxBodyBytes" | "idleTimeoutSeconds" | "routes">
>;

export function startApi(
  overrides: Partial<ApiDependencies> = {},
  approvalsOptions: { rows?: ApprovalView[] } & FakeApprovalsOptions = {},
  gatewayOverrides: GatewayOverrides = {},
): ApiHarness {
  const chat = createScriptedChat();
  const approvals = createFakeApprovals(approvalsOptions.rows ?? [], approvalsOptions);
  const events = createEventSource();
  const history = createFakeHistory();
  const feed = createThreadFeed();
  const gateway = startGateway({
    host: "127.0.0.1",
    port: 0,
    log: silentLogger,
    readiness: async () => ({ ok: true, checks: {} }),
    ...gatewayOverrides,
    routes: [
      ...(gatewayOverrides.routes ?? []),
      ...createApiRoutes({
        token,
        approvals: approvals.approvals,
        chat: chat.chat,
        events,
        history: history.history,
        feed,
        log: silentLogger,
        ...overrides,
      }),
    ],
  });
  return {
    url: gateway.url,
    gateway,
    chat,
    approvals,
    events,
    history,
    feed,
    call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      return fetch(`${gateway.url}${path}`, { ...init, headers });
    },
  };
}

export function postJson(body: unknown): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** Polls a condition on the event loop; the test's own timeout bounds it. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await Bun.sleep(5);
}
