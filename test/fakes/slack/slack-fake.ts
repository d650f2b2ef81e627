/**
 * A fake Slack for tests that drive the real Bolt app over the wire: the Web API
 * (`POST /api/<method>`, see web-api.ts), Socket Mode (apps.connections.open hands out a ws://
 * URL; see socket-server.ts) and, in HTTP mode, signed deliveries to the app's Request URL
 * (http-delivery.ts). Every Web API call is recorded; failures, 429s with Retry-After, event
 * retries and dead sockets can be injected.
 *
 *   const slack = await startSlackFake();
 *   // Bolt: clientOptions.slackApiUrl = slack.apiUrl, tokens slack.botToken / slack.appToken
 *   const delivery = slack.pushDm({ from: "U0OWNER", text: "hello" });
 *   await delivery.done;                                  // acknowledged by the app
 *   slack.messages(slack.imOf("U0OWNER")).at(-1)?.plainText;
 */
import { type FakeEphemeral, type FakeMessage, FakeState } from "./fake-state.ts";
import {
  encodeBody,
  type HttpDeliveryOptions,
  type HttpDeliveryResult,
  postSigned,
} from "./http-delivery.ts";
import { blockActions, eventCallback, messageEvent, type Workspace } from "./payloads.ts";
import { type ConnectionInfo, type SocketData, SocketModeServer } from "./socket-server.ts";
import { type Caller, createMethods, type Params, readParams } from "./web-api.ts";

export { buttonsOf, type FakeButton, type FakeEphemeral, type FakeMessage } from "./fake-state.ts";

export interface RecordedCall {
  method: string;
  params: Params;
  token: string;
  at: number;
}

export type Failure = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

export interface DeliveryOutcome {
  /** Socket Mode: the envelope was acked. HTTP: the app answered 2xx. */
  acknowledged: boolean;
  status?: number;
  body?: string;
}

export interface Delivery {
  payload: Record<string, unknown>;
  kind: "event" | "interaction";
  retryAttempt: number;
  /** Resolves when the app acknowledged (Socket Mode) or answered (HTTP). */
  done: Promise<DeliveryOutcome>;
  outcome: () => DeliveryOutcome | undefined;
}

export async function startSlackFake() {
  const workspace: Workspace = { teamId: "T0FAKE", appId: "A0FAKE", botUserId: "U0BOT", botId: "B0BOT" };
  const botToken = "xoxb-fake-bot-token";
  const appToken = "xapp-1-fake-app-token";
  const signingSecret = "fake-signing-secret";
  const state = new FakeState(workspace.botUserId);
  const socket = new SocketModeServer(workspace.appId);
  const calls: RecordedCall[] = [];
  const failures = new Map<string, Failure[]>();
  const watchers = new Set<(call: RecordedCall) => void>();
  const responseUrls = new Map<string, { channel: string; user: string }>();
  let httpTarget: string | undefined;
  let nextConnection = 0;
  const methods = createMethods(state, { ...workspace, socketUrl: () => socket.url() });

  const callerOf = (token: string): Caller => ({
    token,
    kind: token === botToken ? "bot" : token === appToken ? "app" : "unknown",
  });

  function record(call: RecordedCall): void {
    calls.push(call);
    for (const watcher of [...watchers]) watcher(call);
  }

  async function webApi(method: string, request: Request): Promise<Response> {
    const params = await readParams(request);
    const token =
      (request.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "") || String(params.token ?? "");
    record({ method, params, token, at: Date.now() });
    const failure = failures.get(method)?.shift();
    if (failure && "status" in failure && failure.status === 429) {
      return Response.json(
        { ok: false, error: "ratelimited" },
        { status: 429, headers: { "retry-after": String(failure.retryAfter) } },
      );
    }
    if (failure && "status" in failure) return new Response("internal error", { status: failure.status });
    if (failure) return Response.json({ ok: false, error: failure.error });
    const handler = methods[method];
    return Response.json(handler ? handler(params, callerOf(token)) : { ok: false, error: "unknown_method" });
  }

  async function responseUrl(id: string, request: Request): Promise<Response> {
    const target = responseUrls.get(id);
    const body = (await request.json().catch(() => ({}))) as { text?: unknown; replace_original?: unknown };
    record({ method: "response_url", params: body as Params, token: "", at: Date.now() });
    if (!target) return new Response("expired_url", { status: 404 });
    if (body.replace_original !== true && typeof body.text === "string") {
      state.ephemerals.push({ ...target, text: body.text, via: "response_url", at: Date.now() });
    }
    return new Response("ok");
  }

  const server = Bun.serve<SocketData>({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request, bunServer) {
      const url = new URL(request.url);
      if (url.pathname.startsWith("/link")) {
        return bunServer.upgrade(request, { data: { id: ++nextConnection } })
          ? undefined
          : new Response("expected a WebSocket upgrade", { status: 400 });
      }
      const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
      if (api && request.method === "POST") return webApi(api[1] as string, request);
      const response = /^\/response\/(\w+)$/.exec(url.pathname);
      if (response && request.method === "POST") return responseUrl(response[1] as string, request);
      return new Response("not found", { status: 404 });
    },
    websocket: {
      open: (ws) => socket.open(ws),
      message: (ws, data) => socket.message(ws, data),
      close: (ws) => socket.close(ws),
    },
  });
  await socket.listen(server.port as number);
  const base = `http://127.0.0.1:${server.port}`;

  function deliver(
    payload: Record<string, unknown>,
    kind: Delivery["kind"],
    retryAttempt: number,
    options: HttpDeliveryOptions = {},
  ): Delivery {
    let outcome: DeliveryOutcome | undefined;
    let done: Promise<DeliveryOutcome>;
    if (httpTarget) {
      const encoded = encodeBody(payload, kind === "interaction");
      const retry = retryAttempt > 0 ? { retryNum: retryAttempt } : {};
      done = postSigned(httpTarget, signingSecret, encoded, { ...retry, ...options }).then(
        (result: HttpDeliveryResult) => ({
          acknowledged: result.status >= 200 && result.status < 300,
          ...result,
        }),
      );
    } else {
      const envelope = socket.deliver(kind === "event" ? "events_api" : "interactive", payload, retryAttempt);
      done = envelope.acked.then(() => ({ acknowledged: true }));
    }
    done = done.then((result) => {
      outcome = result;
      return result;
    });
    return { payload, kind, retryAttempt, done, outcome: () => outcome };
  }

  return {
    apiUrl: `${base}/api/`,
    botToken,
    appToken,
    signingSecret,
    ...workspace,
    calls,
    /** Socket Mode acks received, in order. */
    acks: socket.acks,
    imOf: (user: string) => state.imOf(user),
    /** From now on deliver events and interactions as signed POSTs to `url` (HTTP mode). */
    deliverOverHttp(url: string): void {
      httpTarget = url;
    },
    /** A DM from `from` to the bot (text, or extra fields such as files or a subtype). */
    pushDm(input: { from: string; text: string; extra?: Record<string, unknown> }): Delivery {
      const event = messageEvent({
        user: input.from,
        channel: state.imOf(input.from),
        ts: state.nextTs(),
        text: input.text,
        extra: input.extra,
      });
      return deliver(eventCallback(workspace, event), "event", 0);
    },
    /** Any event, wrapped in an event_callback. */
    pushEvent(event: Record<string, unknown>): Delivery {
      return deliver(eventCallback(workspace, event), "event", 0);
    },
    /** A press on `actionId` (a button of `message`), or on a made-up button with `value`. */
    pressButton(input: { from: string; message: FakeMessage; actionId: string; value?: string }): Delivery {
      const known = (input.message.blocks as { elements?: { action_id?: string }[] }[])
        .flatMap((block) => block.elements ?? [])
        .find((element) => element.action_id === input.actionId);
      const button = {
        type: "button",
        text: { type: "plain_text", text: "?" },
        ...known,
        action_id: input.actionId,
        ...(input.value === undefined ? {} : { value: input.value }),
      };
      const id = String(responseUrls.size + 1);
      responseUrls.set(id, { channel: input.message.channel, user: input.from });
      const payload = blockActions(workspace, {
        user: input.from,
        message: input.message,
        button: button as never,
        responseUrl: `${base}/response/${id}`,
      });
      return deliver(payload, "interaction", 0);
    },
    /** Slack's retry of a delivery: the same payload (same event_id), retry attempt + 1. */
    redeliver(delivery: Delivery): Delivery {
      return deliver(delivery.payload, delivery.kind, delivery.retryAttempt + 1);
    },
    /** A delivery over HTTP with tampering (stale timestamp, wrong signature). Needs deliverOverHttp. */
    deliverTampered(
      payload: Record<string, unknown>,
      options: HttpDeliveryOptions,
      form = false,
    ): Promise<HttpDeliveryResult> {
      if (!httpTarget) throw new Error("slack fake: deliverOverHttp(url) first");
      return postSigned(httpTarget, signingSecret, encodeBody(payload, form), options);
    },
    /** A well-formed event_callback around `event`, to tamper with. */
    eventPayload: (event: Record<string, unknown>) => eventCallback(workspace, event),
    failNext(method: string, failure: Failure, times = 1): void {
      const queued = failures.get(method) ?? [];
      for (let count = 0; count < times; count++) queued.push(failure);
      failures.set(method, queued);
    },
    /** Drops every failure queued by `failNext`. */
    clearFailures: (): void => failures.clear(),
    messages: (channel: string): FakeMessage[] => state.messages(channel),
    ephemerals: (): FakeEphemeral[] => [...state.ephemerals],
    connections: (): ConnectionInfo[] => socket.info(),
    disconnectSocket: (reason?: string) => socket.disconnect(reason),
    silenceSocket: () => socket.silence(),
    withholdHello: (count?: number) => socket.withholdHello(count),
    sendRawFrame: (frame: string) => socket.sendRaw(frame),
    /** Resolves with the first recorded Web API call (past or future) that satisfies `predicate`. */
    waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs = 3000): Promise<RecordedCall> {
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
          reject(
            new Error(
              `slack fake: no matching call within ${timeoutMs} ms (calls: ${calls.map((call) => call.method).join(", ") || "none"})`,
            ),
          );
        }, timeoutMs);
        watchers.add(watcher);
      });
    },
    async close(): Promise<void> {
      socket.shutdown();
      await server.stop(true);
    },
  };
}

export type SlackFake = Awaited<ReturnType<typeof startSlackFake>>;
