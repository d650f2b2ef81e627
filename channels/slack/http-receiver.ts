/**
 * HTTP mode: Slack posts events (JSON) and interactivity (form-encoded `payload=<JSON>`) to the
 * gateway, which hands `/channels/slack/*` to the channel — no second HTTP server. A Bolt
 * Receiver fed from `handle(request)`.
 *
 * Every request must carry a valid `X-Slack-Signature` (HMAC-SHA256 of `v0:<timestamp>:<body>`
 * with the signing secret) and a timestamp within 5 minutes of now, in either direction;
 * otherwise 401 and nothing is read. Checked here rather than with Bolt's `verifySlackRequest`,
 * which bounds only the past and pulls in `tsscmp` (a Node deprecation warning on first use).
 * `url_verification` is answered with its challenge. Retries (`X-Slack-Retry-Num`) are acknowledged like any delivery;
 * the dispatcher and the host make sure they never run twice.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { App, Receiver } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";
import { createDispatcher, type DeliveryMeta, type Dispatch } from "./dispatch.ts";

const MAX_SKEW_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpReceiverOptions {
  signingSecret: string;
  log: Logger;
}

function verify(options: HttpReceiverOptions, headers: Headers, body: string): string | undefined {
  const signature = headers.get("x-slack-signature");
  const timestamp = headers.get("x-slack-request-timestamp") ?? "";
  if (!signature || !/^\d{1,12}$/.test(timestamp)) return "missing signature headers";
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return "stale timestamp";
  const expected = Buffer.from(
    `v0=${createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? undefined
    : "signature mismatch";
}

function parseBody(raw: string, contentType: string): unknown {
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const form = new URLSearchParams(raw);
    const payload = form.get("payload");
    return payload === null ? Object.fromEntries(form) : JSON.parse(payload);
  }
  return JSON.parse(raw);
}

function metaOf(headers: Headers): DeliveryMeta {
  const retryNum = Number(headers.get("x-slack-retry-num") ?? Number.NaN);
  return {
    retryNum: Number.isInteger(retryNum) ? retryNum : undefined,
    retryReason: headers.get("x-slack-retry-reason") ?? undefined,
  };
}

export class SlackHttpReceiver implements Receiver {
  #dispatch: Dispatch | undefined;

  constructor(private readonly options: HttpReceiverOptions) {}

  init(app: App): void {
    this.#dispatch = createDispatcher(app, this.options.log);
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(request: Request): Promise<Response> {
    const { log } = this.options;
    if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES)
      return new Response("payload too large", { status: 413 });
    const raw = await request.text();
    if (raw.length > MAX_BODY_BYTES) return new Response("payload too large", { status: 413 });
    const refused = verify(this.options, request.headers, raw);
    if (refused) {
      log.warn("refused a Slack request", { reason: refused });
      return new Response("invalid signature", { status: 401 });
    }
    let body: unknown;
    try {
      body = parseBody(raw, request.headers.get("content-type") ?? "");
    } catch (error) {
      log.warn("acknowledged a signed Slack request whose body does not parse", { error });
      return new Response("", { status: 200 });
    }
    const type = (body as { type?: unknown } | null)?.type;
    if (type === "url_verification") {
      return Response.json({ challenge: String((body as { challenge?: unknown }).challenge ?? "") });
    }
    if (type === "ssl_check") return new Response("", { status: 200 });
    return this.#deliver(body, metaOf(request.headers));
  }

  #deliver(body: unknown, meta: DeliveryMeta): Promise<Response> {
    const dispatch = this.#dispatch;
    if (!dispatch) return Promise.resolve(new Response("not started", { status: 503 }));
    const { promise, resolve } = Promise.withResolvers<Response>();
    const respond = async (payload?: unknown) =>
      resolve(payload === undefined ? new Response("", { status: 200 }) : Response.json(payload));
    dispatch(body, meta, respond).then(
      () => resolve(new Response("", { status: 200 })),
      (error: unknown) => {
        // Not stored: a 5xx makes Slack deliver it again (up to three retries).
        this.options.log.error("a Slack event was not stored; Slack will retry", { error });
        resolve(new Response("retry later", { status: 500 }));
      },
    );
    return promise;
  }
}
