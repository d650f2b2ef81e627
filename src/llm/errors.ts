/**
 * LLM failures, normalized. Both SDKs throw their own error classes (status codes, connection
 * errors, aborts); everything above `src/llm/` only sees an LlmError with a `code` and a
 * `transient` flag, which is what retry, the circuit breaker and failover branch on.
 *
 * Contract: `transient` means "the same request may succeed if sent again later" (network blips,
 * rate limits, overload, a garbled reply). Non-transient errors need the owner (a bad key, a
 * missing model) or the caller (a prompt that is too long) to change something first.
 *
 * Contract: `message` is short and safe to show the owner. It never quotes the provider (error
 * bodies may be whole JSON documents, or echo the API key) or the runtime (`ECONNRESET … pass
 * verbose: true …`); that detail stays in `cause`, which only the (redacted) log writes out.
 *
 * The SDKs' error classes come in with the call (`sdkErrors`, from the provider that made it):
 * importing both SDKs here would load them into every process, configured or not (~16 MB and
 * tens of ms of start-up each), and a provider can only ever throw its own SDK's errors.
 */
import { AppError, type AppErrorOptions, type ErrorCode } from "../errors.ts";

/** The provider-failure codes of the one ErrorCode union ("not configured" is not a failure of a call). */
export type LlmErrorCode = Exclude<Extract<ErrorCode, `llm_${string}`>, "llm_not_configured">;

const transientCodes: ReadonlySet<LlmErrorCode> = new Set([
  "llm_request_failed",
  "llm_rate_limited",
  "llm_invalid_response",
  "llm_timeout",
  // Open circuit: this provider is resting, so failover should move on to the next one.
  "llm_circuit_open",
]);

export interface LlmErrorOptions extends AppErrorOptions {
  provider: string;
  status?: number;
  retryAfterMs?: number;
  /** Overrides the default derived from `code` (e.g. a plain 400 is request_failed but not worth resending). */
  transient?: boolean;
}

export class LlmError extends AppError {
  declare readonly code: LlmErrorCode;
  readonly provider: string;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly transient: boolean;
  /** Requests this failure took in all; retry and failover count them on the way out. */
  attempts = 1;
  /** Providers tried before giving up (set by failover when every one failed). */
  providers = 1;

  constructor(code: LlmErrorCode, message: string, options: LlmErrorOptions) {
    super(code, message, options);
    this.provider = options.provider;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.transient = options.transient ?? transientCodes.has(code);
  }
}

export function isLlmError(error: unknown): error is LlmError {
  return error instanceof LlmError;
}

/** Which variable the owner must fix when a provider rejects its credentials. */
const keyVariableByProvider: Record<string, string> = {
  openai: "OPENAI_API_KEY",
  openai_compatible: "OPENAI_API_KEY",
  anthropic: "ANTHROPIC_API_KEY",
  ollama: "OLLAMA_BASE_URL",
};

/**
 * Reads how long a server asked us to wait: `retry-after-ms` (OpenAI's extension, milliseconds),
 * else `retry-after` as seconds or as an HTTP date. Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface ApiErrorLike {
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
  code?: unknown;
  type?: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: any error class, whatever its constructor takes
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * The error classes of the SDK that made a call; both SDKs export the same three (the timeout
 * and connection classes are subclasses of APIError, so they are checked first).
 */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

const contextLengthPattern =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|reduce the length/i;
const modelMissingPattern = /model[^.]{0,80}(not found|does not exist|not available)|model_not_found/i;

export interface ToLlmErrorOptions {
  provider: string;
  model?: string;
  now?: number;
  /** The calling provider's SDK; without it only runtime errors (fetch, aborts, JSON) are told apart. */
  sdkErrors?: SdkErrorClasses;
}

/** Maps anything an SDK (or fetch) throws to an LlmError. An LlmError passes through unchanged. */
export function toLlmError(error: unknown, options: ToLlmErrorOptions): LlmError {
  if (error instanceof LlmError) return error;
  const { provider, model, sdkErrors } = options;
  const base = { provider, cause: error };

  if (sdkErrors && error instanceof sdkErrors.APIConnectionTimeoutError) {
    return new LlmError("llm_timeout", `The model provider did not answer in time (${provider})`, base);
  }
  if (sdkErrors && error instanceof sdkErrors.APIError) {
    return fromApiError(
      error as ApiErrorLike & Error,
      error instanceof sdkErrors.APIConnectionError,
      options,
    );
  }
  if (error instanceof SyntaxError) {
    return new LlmError(
      "llm_invalid_response",
      `The model provider sent an unreadable reply (${provider})`,
      base,
    );
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new LlmError(
      "llm_timeout",
      `The request to the model provider was aborted before an answer (${provider})`,
      base,
    );
  }
  const where = model ? `${provider}:${model}` : provider;
  const code = (error as { code?: unknown } | null)?.code;
  const broken = typeof code === "string" && /^E[A-Z]+$/.test(code);
  const what = broken
    ? "The connection to the model provider broke"
    : "The request to the model provider failed";
  return new LlmError("llm_request_failed", `${what} (${where})`, base);
}

function fromApiError(
  error: ApiErrorLike & Error,
  isConnectionError: boolean,
  options: ToLlmErrorOptions,
): LlmError {
  const { provider, model } = options;
  const status = error.status;
  const text = `${error.message} ${String(error.code ?? "")} ${String(error.type ?? "")}`;
  const base = { provider, status, cause: error };
  const shown = model ? `"${model}"` : "the configured model";

  if (status === 401 || status === 403 || /authentication_error|permission_error/.test(text)) {
    const variable = keyVariableByProvider[provider] ?? "the API key";
    return new LlmError(
      "llm_auth_failed",
      `The LLM rejected the API key (${provider}): check ${variable}`,
      base,
    );
  }
  if (contextLengthPattern.test(text) || status === 413) {
    return new LlmError(
      "llm_context_length_exceeded",
      `The conversation is too long for the model's context window (${provider}): start a new conversation or use a model with a larger context`,
      base,
    );
  }
  if (status === 404 || modelMissingPattern.test(text)) {
    return new LlmError(
      "llm_model_not_available",
      `The model ${shown} is not available (${provider}): check LLM_MODEL / LLM_FALLBACKS`,
      base,
    );
  }
  if (status === 429 || /rate_limit/.test(text)) {
    const retryAfterMs = parseRetryAfter(error.headers, options.now);
    return new LlmError("llm_rate_limited", `The model provider is rate limiting requests (${provider})`, {
      ...base,
      retryAfterMs,
    });
  }
  if (status === 408) return new LlmError("llm_timeout", `The model provider timed out (${provider})`, base);
  const message = isConnectionError
    ? `The model provider could not be reached (${provider})`
    : status === undefined
      ? `The model provider reported an error during the answer (${provider})`
      : `The model provider failed (${provider}, HTTP ${status})`;
  // 409/425, 5xx (and Anthropic's 529 "overloaded") and mid-stream error events (no status) are
  // worth resending; any other 4xx will be rejected again, so it is not retried (failover may
  // still try a different provider, which might accept it).
  const transient = status === undefined || status >= 500 || status === 409 || status === 425;
  return new LlmError("llm_request_failed", message, { ...base, transient });
}
