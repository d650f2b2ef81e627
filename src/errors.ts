/**
 * One error hierarchy for the whole host. Callers branch on `code` (or on the few fields the
 * subclasses add, such as `retryAfterMs`), never on message text. Every error may carry the
 * original `cause` so logs keep the full chain.
 */
export type ErrorCode =
  | "config_invalid"
  | "database_unavailable"
  | "database_in_use"
  | "database_schema_too_new"
  | "database_error"
  | "conflict"
  | "invalid_transition"
  | "not_found"
  | "llm_request_failed"
  | "llm_rate_limited"
  | "llm_invalid_response"
  | "llm_timeout"
  | "llm_auth_failed"
  | "llm_context_length_exceeded"
  | "llm_model_not_available"
  | "llm_circuit_open"
  | "llm_not_configured"
  | "tool_failed"
  | "tool_invalid_arguments"
  | "channel_error"
  | "invalid_input"
  | "unauthorized"
  | "forbidden"
  | "cancelled"
  | "engine_unavailable"
  | "sandbox_image_missing"
  | "job_limit_reached"
  | "registry_unavailable";

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra structured context for logs (never secrets). */
  context?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options.context ?? {};
  }
}

/** A configuration value is missing or malformed. Start-up prints `message` alone and exits 2. */
export class ConfigError extends AppError {
  readonly variable: string;
  constructor(variable: string, expected: string, options: AppErrorOptions = {}) {
    super("config_invalid", `${variable}: ${expected}`, options);
    this.variable = variable;
  }
}

/** Start-up cannot continue for a reason the owner must fix (exit 2, one line, no stack). */
export class StartupError extends AppError {}

/** A unique constraint was violated (SQLSTATE 23505), translated at the db boundary. */
export class ConflictError extends AppError {
  readonly constraint: string | undefined;
  constructor(message: string, constraint: string | undefined, options: AppErrorOptions = {}) {
    super("conflict", message, options);
    this.constraint = constraint;
  }
}

/** Human-readable one-liner for logs and replies, following the cause chain once. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
