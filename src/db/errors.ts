/**
 * The only place that knows about SQLSTATE codes. Both drivers (postgres.js and PGlite) report
 * `code` on their error objects, and drizzle wraps them in DrizzleQueryError with `cause`, so we
 * walk the cause chain. Everything above `src/db/` sees AppErrors only.
 */
import { AppError, ConflictError } from "../errors.ts";

interface PgErrorShape {
  code?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  detail?: unknown;
  message?: unknown;
}

function findPgError(error: unknown): PgErrorShape | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const shaped = current as PgErrorShape & { cause?: unknown };
    if (typeof shaped.code === "string" && /^[0-9A-Z]{5}$/.test(shaped.code)) return shaped;
    current = shaped.cause;
  }
  return undefined;
}

/** The SQLSTATE of a database error, if any (e.g. "23505"). */
export function sqlStateOf(error: unknown): string | undefined {
  return findPgError(error)?.code as string | undefined;
}

/** Connection-level failures worth retrying: refused, reset, DNS, server shutting down. */
export function isConnectionError(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state?.startsWith("08") || state === "57P01" || state === "57P03") return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      [
        "ECONNREFUSED",
        "ECONNRESET",
        "ENOTFOUND",
        "ETIMEDOUT",
        "EAI_AGAIN",
        "CONNECT_TIMEOUT",
        "CONNECTION_CLOSED",
        "CONNECTION_ENDED",
        "CONNECTION_DESTROYED",
      ].includes(code)
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function translateDbError(error: unknown): Error {
  if (error instanceof AppError) return error;
  const pg = findPgError(error);
  if (pg?.code === "23505") {
    const constraint = (pg.constraint ?? pg.constraint_name) as string | undefined;
    return new ConflictError(`duplicate value violates ${constraint ?? "a unique constraint"}`, constraint, {
      cause: error,
    });
  }
  if (isConnectionError(error)) {
    return new AppError("database_unavailable", "the database connection failed", { cause: error });
  }
  const message =
    typeof pg?.message === "string" ? pg.message : error instanceof Error ? error.message : String(error);
  return new AppError("database_error", `database error: ${message.split("\n")[0]}`, { cause: error });
}

/** Runs a database operation, translating driver errors into AppErrors. */
export async function withDbErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDbError(error);
  }
}
