/**
 * The HTTP gateway (Bun.serve). Health endpoints live here; the chat and approval API and the
 * channel webhooks are added by route handlers passed in. Every request is logged with method,
 * path, status and latency.
 *
 * Limits that protect the owner's own requests from everyone else's:
 * - A finite idle timeout: a keep-alive connection that sends nothing is closed, so idle
 *   connections cannot pile up until the file descriptors run out. Measured on Bun 1.4: a
 *   request with a body (a chat send waiting up to its reply timeout) is not cut off while its
 *   handler works, but a GET is, and the writes of a streamed response do not count as
 *   activity — so a GET route that waits or streams (SSE) sets its own timeout through
 *   `RequestControl`.
 * - A body limit on every route (`body-limit.ts`), checked before any route reads the body.
 * - An unreachable database is a 503 with Retry-After, not a 500 (`failure-response.ts`).
 */
import type { Logger } from "../log.ts";
import { defaultMaxBodyBytes, readBodyWithin } from "./body-limit.ts";
import { failureResponse, isDatabaseUnavailable } from "./failure-response.ts";
import { json } from "./json-response.ts";

export { json } from "./json-response.ts";

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** What a route may change about its own connection. */
export interface RequestControl {
  /** Replaces the idle timeout for this request: seconds (at most 255), 0 = none. */
  idleTimeout(seconds: number): void;
}

export type RouteHandler = (
  request: Request,
  url: URL,
  control: RequestControl,
) => Promise<Response | undefined> | Response | undefined;

export interface GatewayOptions {
  host: string;
  port: number;
  log: Logger;
  readiness: () => Promise<Readiness>;
  /** Tried in order after the health routes; the first that returns a Response answers. */
  routes?: RouteHandler[];
  /** Largest request body any route accepts (default 1 MiB); larger is a 413. */
  maxBodyBytes?: number;
  /** Seconds a connection may sit idle before it is closed (default 30; 1–255). */
  idleTimeoutSeconds?: number;
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

export const defaultIdleTimeoutSeconds = 30;
/** Bun's own maximum for `idleTimeout`. */
export const maxIdleTimeoutSeconds = 255;

export function startGateway(options: GatewayOptions): Gateway {
  const { log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const idleTimeoutSeconds = options.idleTimeoutSeconds ?? defaultIdleTimeoutSeconds;
  if (!Number.isInteger(idleTimeoutSeconds) || idleTimeoutSeconds < 1 || idleTimeoutSeconds > 255) {
    throw new Error(`startGateway: idleTimeoutSeconds must be a whole number from 1 to 255`);
  }

  async function route(request: Request, url: URL, control: RequestControl): Promise<Response> {
    if (url.pathname === "/healthz" && request.method === "GET") return json({ ok: true });
    if (url.pathname === "/readyz" && request.method === "GET") {
      const readiness = await options.readiness();
      return json(readiness, readiness.ok ? 200 : 503);
    }
    const bounded = await readBodyWithin(request, maxBodyBytes);
    if (!bounded.ok) return bounded.response;
    for (const handler of options.routes ?? []) {
      const response = await handler(bounded.request, url, control);
      if (response) return response;
    }
    return json({ error: "not_found", message: `no route for ${request.method} ${url.pathname}` }, 404);
  }

  const server = Bun.serve({
    hostname: options.host,
    port: options.port,
    idleTimeout: idleTimeoutSeconds,
    // Only a backstop: Bun answers a bare 413 and drops the connection. The limit the client
    // sees, with a JSON message, is `maxBodyBytes`, enforced in `route`.
    maxRequestBodySize: maxBodyBytes * 4,
    async fetch(request, bunServer) {
      const started = performance.now();
      const url = new URL(request.url);
      const control: RequestControl = {
        idleTimeout: (seconds) => bunServer.timeout(request, Math.min(seconds, maxIdleTimeoutSeconds)),
      };
      let response: Response;
      try {
        response = await route(request, url, control);
      } catch (error) {
        const context = { method: request.method, path: url.pathname, error };
        if (isDatabaseUnavailable(error)) log.warn("request failed: the database is unreachable", context);
        else log.error("request failed", context);
        response = failureResponse(error);
      }
      log.info("request", {
        method: request.method,
        path: url.pathname,
        status: response.status,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      });
      return response;
    },
  });

  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${server.port}`,
    stop: async () => {
      await server.stop(true);
    },
  };
}
