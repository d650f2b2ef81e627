/**
 * Bearer-token auth for the HTTP API. There are no user accounts: one owner, one token
 * (GATEWAY_AUTH_TOKEN). Both sides are hashed with SHA-256 before `timingSafeEqual`, so a guess
 * of another length takes the same path as one of the right length and the comparison leaks
 * neither the token's bytes nor its length.
 *
 * `?token=` is accepted only where the route says so (the SSE stream: browsers' EventSource
 * cannot set headers). The gateway logs the path without the query, so the token stays out of
 * the request log.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { json } from "./server.ts";

export interface BearerAuth {
  /** Returns a 401 response when the request is not authorized, undefined when it is. */
  check(request: Request, url: URL, options?: { allowQueryToken?: boolean }): Response | undefined;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function unauthorized(message: string): Response {
  return json({ error: "unauthorized", message }, 401, { "www-authenticate": "Bearer" });
}

export function createBearerAuth(token: string): BearerAuth {
  if (!token) throw new Error("createBearerAuth: the API token must not be empty");
  const expected = digest(token);
  return {
    check(request, url, options = {}) {
      const presented =
        bearerToken(request) ??
        (options.allowQueryToken ? (url.searchParams.get("token") ?? undefined) : undefined);
      if (presented === undefined) {
        return unauthorized(
          options.allowQueryToken
            ? "send Authorization: Bearer <token> (or ?token=<token> on this stream)"
            : "send Authorization: Bearer <token>",
        );
      }
      if (!timingSafeEqual(digest(presented), expected)) return unauthorized("the token is not valid");
      return undefined;
    },
  };
}
