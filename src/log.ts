/**
 * Structured logging. One line per event, JSON (for machines) or pretty (for people), chosen by
 * LOG_FORMAT. Child loggers carry context (channel, conversation, turn) so every line says where
 * it came from. Writes to stderr so stdout stays free for CLI output.
 *
 * Every finished line passes through the family's secret redactor (see log-redact.ts): start-up
 * adds the configured secrets with `addSecrets`, and a parent and all its children share them.
 * Errors are written with their cause chain (the detail an owner-facing message leaves out) and,
 * for unexpected errors (not an AppError), their stack.
 */
import { AppError } from "./errors.ts";
import { createSecretRedactor, type SecretRedactor } from "./log-redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "json" | "pretty";
export type LogFields = Record<string, unknown>;

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(context: LogFields): Logger;
  /** Values never to write, from now on, on this logger, its parent and all their children. */
  addSecrets(values: Iterable<string | undefined>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  context?: LogFields;
  /** Where lines go; defaults to stderr. Tests pass an array pusher. */
  write?: (line: string) => void;
  /** Secrets to hide from the first line on (more can be added with `addSecrets`). */
  secrets?: Iterable<string | undefined>;
  /** Shared by a logger and its children; created when absent. */
  redactor?: SecretRedactor;
}

/** How deep a cause chain is followed; deeper links are dropped (and cycles end here too). */
const maxCauseDepth = 5;

function serializeError(error: Error, depth: number): Record<string, unknown> {
  const { code, status } = error as { code?: unknown; status?: unknown };
  const cause = error.cause;
  let shownCause: unknown;
  if (cause !== undefined && depth < maxCauseDepth) {
    shownCause = cause instanceof Error ? serializeError(cause, depth + 1) : String(cause);
  }
  return {
    name: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    ...(typeof status === "number" ? { status } : {}),
    ...(shownCause === undefined ? {} : { cause: shownCause }),
    ...(depth === 0 && !(error instanceof AppError) && error.stack ? { stack: error.stack } : {}),
  };
}

function serializeValue(value: unknown): unknown {
  return value instanceof Error ? serializeError(value, 0) : value;
}

function formatPretty(level: LogLevel, message: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 23);
  const extras = Object.entries(fields)
    .map(([key, value]) => {
      const shown = serializeValue(value);
      return `${key}=${typeof shown === "string" ? shown : JSON.stringify(shown)}`;
    })
    .join(" ");
  return `${time} ${level.toUpperCase().padEnd(5)} ${message}${extras ? ` ${extras}` : ""}`;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const minimum = levelRank[options.level ?? "info"];
  const format = options.format ?? "pretty";
  const context = options.context ?? {};
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const redactor = options.redactor ?? createSecretRedactor(options.secrets);

  function emit(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (levelRank[level] < minimum) return;
    const merged: LogFields = { ...context, ...fields };
    let line: string;
    if (format === "json") {
      const record: LogFields = { time: new Date().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries(merged)) record[key] = serializeValue(value);
      line = JSON.stringify(record);
    } else {
      line = formatPretty(level, message, merged);
    }
    write(redactor.redact(line));
  }

  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (extra) =>
      createLogger({ ...options, secrets: undefined, redactor, context: { ...context, ...extra } }),
    addSecrets: (values) => redactor.add(values),
  };
}

/** A logger that drops everything; handy default for library code and tests. */
export const silentLogger: Logger = createLogger({ write: () => {} });
