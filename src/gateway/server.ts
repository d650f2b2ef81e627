/**
 * The HTTP gateway (Bun.serve). Health endpoints live here; the chat and approval API is added by
 * route handlers passed in. Every request is logged with method, path, status and latency.
 */
import type { Logger } from "../log.ts";

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export type RouteHandler = (
  request: Request,
  url: URL,
) => Promise<Response | undefined> | Response | undefined;

export interface GatewayOptions {
  host: string;
  port: number;
  log: Logger;
  readiness: () => Promise<Readiness>;
  /** Tried in order after the health routes; the first that returns a Response answers. */
  routes?: RouteHandler[];
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function startGateway(options: GatewayOptions): Gateway {
  const { log } = options;

  async function route(request: Request, url: URL): Promise<Response> {
    if (url.pathname === "/healthz" && request.method === "GET") return json({ ok: true });
    if (url.pathname === "/readyz" && request.method === "GET") {
      const readiness = await options.readiness();
      return json(readiness, readiness.ok ? 200 : 503);
    }
    for (const handler of options.routes ?? []) {
      const response = await handler(request, url);
      if (response) return response;
    }
    return json({ error: "not_found", message: `no route for ${request.method} ${url.pathname}` }, 404);
  }

  const server = Bun.serve({
    hostname: options.host,
    port: options.port,
    idleTimeout: 0,
    async fetch(request) {
      const started = performance.now();
      const url = new URL(request.url);
      let response: Response;
      try {
        response = await route(request, url);
      } catch (error) {
        log.error("request failed", { method: request.method, path: url.pathname, error });
        response = json({ error: "internal", message: "internal error" }, 500);
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
