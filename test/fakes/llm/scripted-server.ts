/**
 * The part both LLM fakes share: a Bun.serve server on 127.0.0.1 (any free port) that records
 * every request and answers from a per-test queue of scripted replies and faults. The protocol
 * modules (openai-fake.ts, anthropic-fake.ts) only say how a reply or a fault looks on their wire.
 *
 * An empty queue answers 500 "fake: no scripted reply left", so a test that makes one call more
 * than it scripted fails loudly instead of receiving some default text.
 */

export interface ScriptedToolCall {
  /** Omit (or leave empty) to script a malformed tool call. */
  id?: string;
  name?: string;
  arguments?: string;
}

export interface ScriptedReply {
  text?: string;
  /** Characters of `text` per streamed frame (default 4); long replies stream faster in bigger pieces. */
  textChunkSize?: number;
  toolCalls?: ScriptedToolCall[];
  /**
   * `inputTokens` counts every prompt token; `cacheReadTokens` / `cacheWriteTokens` say how many
   * of them came from / went into the provider's prompt cache. Each fake puts them where its real
   * API does (OpenAI inside `prompt_tokens`, Anthropic beside `input_tokens`).
   */
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number };
}

export type ErrorFault =
  | { fault: "rate_limited"; retryAfter?: string; retryAfterMs?: number }
  | { fault: "server_error" }
  /** `echoKey`: the message quotes the key the client sent, as some compatible servers do. */
  | { fault: "unauthorized"; echoKey?: boolean }
  | { fault: "model_not_found" }
  | { fault: "context_length_exceeded" };

export type ScriptedFault =
  | ErrorFault
  /** Never answers; the request stays open until the client gives up or the fake closes. */
  | { fault: "hang" }
  /** Exactly this status and JSON body, whatever the protocol (a proxy's or a server's own shape). */
  | { fault: "http_error"; status: number; body: unknown }
  /** 200 with a body (or stream event) that is not valid JSON. */
  | { fault: "malformed_json" }
  /** Streams `text`, then the connection breaks before the final events. */
  | { fault: "broken_stream"; text: string }
  /** Streams `text`, then goes silent with the connection open (until the client gives up). */
  | { fault: "stalled_stream"; text: string };

export type Script = ScriptedReply | ScriptedFault;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** The body exactly as it arrived, for byte-level comparisons (prompt caching, request size). */
  rawBody: string;
}

export interface FakeLlmServer {
  url: string;
  requests: RecordedRequest[];
  enqueue(...scripts: Script[]): void;
  close(): Promise<void>;
}

export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a wire protocol must supply; `body` is the parsed request body. */
export interface FakeProtocol {
  path: string;
  authorized(headers: Headers): boolean;
  unauthorizedBody: unknown;
  /** `presentedKey` is the key the request carried (for `echoKey`). */
  renderError(fault: ErrorFault | { fault: "empty_queue" }, presentedKey?: string): RenderedError;
  renderJson(reply: ScriptedReply, body: Record<string, unknown>): unknown;
  /** Complete SSE frames (each ending in a blank line) for a streamed reply. */
  renderStream(reply: ScriptedReply, body: Record<string, unknown>): string[];
  /** The frames sent before a broken stream is cut. */
  renderStreamStart(text: string, body: Record<string, unknown>): string[];
  malformedStreamFrame: string;
  /** Extra read-only endpoints answered with 200 JSON, e.g. Ollama's `GET /api/tags`. */
  getRoutes?: Record<string, unknown>;
}

const encoder = new TextEncoder();

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** How a stream ends: normally, cut (connection error), or stalled until `release` is called. */
type StreamEnd = "close" | "cut" | { stallUntil: Promise<void> };

function sse(frames: string[], end: StreamEnd = "close"): Response {
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const frame of frames) {
        controller.enqueue(encoder.encode(frame));
        // Separate writes, so clients really receive the reply in pieces.
        await Bun.sleep(1);
      }
      // No reason given on purpose: Bun prints the reason; the client only needs the broken connection.
      // A cut resets the connection, and a reset discards what the client has not read yet: give
      // a busy client time to read the frames first, or the test sees no deltas at all.
      if (end === "cut") {
        await Bun.sleep(50);
        return controller.error();
      }
      if (end !== "close") await end.stallUntil;
      try {
        controller.close();
      } catch {
        // The client already went away.
      }
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

export function startScriptedServer(protocol: FakeProtocol): FakeLlmServer {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const hanging = new Set<() => void>();

  async function answer(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return json(400, { error: { message: "fake: request body is not JSON" } });
    }
    requests.push({
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers.entries()),
      body,
      rawBody: text,
    });
    const getRoute = protocol.getRoutes?.[url.pathname];
    if (request.method === "GET" && getRoute !== undefined) return json(200, getRoute);
    if (request.method !== "POST" || url.pathname !== protocol.path) {
      return json(404, { error: { message: `fake: no route ${request.method} ${url.pathname}` } });
    }
    if (!protocol.authorized(request.headers)) return json(401, protocol.unauthorizedBody);

    const script = queue.shift();
    if (!script) {
      const rendered = protocol.renderError({ fault: "empty_queue" });
      return json(rendered.status, rendered.body, rendered.headers);
    }
    const streaming = body.stream === true;
    if (!("fault" in script)) {
      return streaming
        ? sse(protocol.renderStream(script, body))
        : json(200, protocol.renderJson(script, body));
    }
    switch (script.fault) {
      case "hang":
        return new Promise<Response>((resolve) => {
          const release = () => resolve(json(503, { error: { message: "fake: closed" } }));
          hanging.add(release);
          request.signal.addEventListener("abort", () => hanging.delete(release), { once: true });
        });
      case "malformed_json":
        if (streaming) return sse([protocol.malformedStreamFrame]);
        return new Response('{"id": "broken", "choices": [', {
          headers: { "content-type": "application/json" },
        });
      case "http_error":
        return json(script.status, script.body);
      case "broken_stream":
        return sse(protocol.renderStreamStart(script.text, body), "cut");
      case "stalled_stream": {
        const stallUntil = new Promise<void>((resolve) => {
          hanging.add(resolve);
          request.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return sse(protocol.renderStreamStart(script.text, body), { stallUntil });
      }
      default: {
        const rendered = protocol.renderError(script, presentedKey(request.headers));
        return json(rendered.status, rendered.body, rendered.headers);
      }
    }
  }

  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });

  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    close: async () => {
      for (const release of hanging) release();
      hanging.clear();
      await server.stop(true);
    },
  };
}

/** The key a request carried, as `Authorization: Bearer` or `x-api-key`. */
function presentedKey(headers: Headers): string | undefined {
  const bearer = headers.get("authorization")?.replace(/^Bearer /, "");
  return bearer ?? headers.get("x-api-key") ?? undefined;
}

/** Shared default for `authorized`: the expected key in `x-api-key` or `Authorization: Bearer`. */
export function acceptsKey(apiKey: string, headers: Headers, allowApiKeyHeader: boolean): boolean {
  if (headers.get("authorization") === `Bearer ${apiKey}`) return true;
  return allowApiKeyHeader && headers.get("x-api-key") === apiKey;
}

/** Splits text into a few pieces so streaming really delivers several deltas. */
export function splitText(text: string, size = 4): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}
