/**
 * Structured logging. One line per event, JSON (for machines) or pretty (for people), chosen by
 * LOG_FORMAT. Child loggers carry context (channel, conversation, turn) so every line says where
 * it came from. Writes to stderr so stdout stays free for CLI output.
 */
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
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  context?: LogFields;
  /** Where lines go; defaults to stderr. Tests pass an array pusher. */
  write?: (line: string) => void;
}

function serializeValue(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(code === undefined ? {} : { code }),
      ...(value.cause instanceof Error ? { cause: value.cause.message } : {}),
    };
  }
  return value;
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

  function emit(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (levelRank[level] < minimum) return;
    const merged: LogFields = { ...context, ...fields };
    if (format === "json") {
      const record: LogFields = { time: new Date().toISOString(), level, msg: message };
      for (const [key, value] of Object.entries(merged)) record[key] = serializeValue(value);
      write(JSON.stringify(record));
    } else {
      write(formatPretty(level, message, merged));
    }
  }

  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
    child: (extra) => createLogger({ ...options, context: { ...context, ...extra } }),
  };
}

/** A logger that drops everything; handy default for library code and tests. */
export const silentLogger: Logger = createLogger({ write: () => {} });
