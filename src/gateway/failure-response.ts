/**
 * What a route answers when it fails unexpectedly. A database that cannot be reached is an
 * outage the client should wait out, not a bug: 503 with `Retry-After`, so clients and proxies
 * back off and retry. Anything else is a 500. Neither answer carries internal text (driver
 * messages, stack traces); the details go to the log.
 */
import { isConnectionError } from "../db/errors.ts";
import { AppError } from "../errors.ts";
import { json } from "./json-response.ts";

/** How long clients are asked to wait before retrying during a database outage. */
export const outageRetryAfterSeconds = 5;

export function isDatabaseUnavailable(error: unknown): boolean {
  return (error instanceof AppError && error.code === "database_unavailable") || isConnectionError(error);
}

export function databaseUnavailable(): Response {
  return json(
    {
      error: "unavailable",
      message: `the database is not reachable right now; retry in ${outageRetryAfterSeconds} s`,
    },
    503,
    { "retry-after": String(outageRetryAfterSeconds) },
  );
}

export function failureResponse(error: unknown): Response {
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  return json({ error: "internal", message: "internal error" }, 500);
}
