/**
 * Small parsers for configuration values. Each returns the parsed value or throws a plain
 * `Error` whose message says what was expected; `config.ts` wraps it into a ConfigError that
 * names the variable.
 */
export function parseBoolean(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(value)) return true;
  if (["0", "false", "no", "off"].includes(value)) return false;
  throw new Error("must be true or false");
}

export function parseInteger(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw.trim());
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "90s", "1h", "250ms" or a bare number of seconds → milliseconds. */
export function parseDuration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim().toLowerCase());
  if (!match) throw new Error('must be a duration such as "30s", "30m" or "1h"');
  const amount = Number(match[1]);
  const unit = durationUnits[match[2] ?? "s"] ?? 1000;
  const value = Math.round(amount * unit);
  if (value <= 0) throw new Error("must be longer than zero");
  return value;
}

export function parseUrl(protocols: string[]): (raw: string) => string {
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw new Error(`must be a URL (${protocols.join(" or ")})`);
    }
    if (!protocols.includes(url.protocol.replace(/:$/, ""))) {
      throw new Error(`must be a URL starting with ${protocols.map((p) => `${p}://`).join(" or ")}`);
    }
    return raw.trim().replace(/\/+$/, "");
  };
}

export function parseOneOf<T extends string>(values: readonly T[]): (raw: string) => T {
  return (raw) => {
    const value = raw.trim().toLowerCase();
    if (!(values as readonly string[]).includes(value))
      throw new Error(`must be one of ${values.join(", ")}`);
    return value as T;
  };
}

export function parseList(raw: string): string[] {
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function parseNonEmpty(raw: string): string {
  const value = raw.trim();
  if (!value) throw new Error("must not be empty");
  return value;
}

/** A numeric platform user id, e.g. Telegram's or Discord's. */
export function parseNumericId(raw: string): string {
  const value = raw.trim();
  if (!/^\d{1,20}$/.test(value)) throw new Error("must be a numeric user id");
  return value;
}

/** An IANA timezone name such as "Europe/Berlin". */
export function parseTimezone(raw: string): string {
  const value = raw.trim();
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
  } catch {
    throw new Error('must be an IANA timezone such as "UTC" or "Europe/Berlin"');
  }
  return value;
}

/** "22:00-07:00" → minutes since midnight, start and end (the range may wrap midnight). */
export function parseQuietHours(raw: string): { startMinute: number; endMinute: number } {
  const match = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(raw.trim());
  const toMinute = (hours: string | undefined, minutes: string | undefined): number => {
    const h = Number(hours);
    const m = Number(minutes);
    if (h > 23 || m > 59) throw new Error('must be a range such as "22:00-07:00"');
    return h * 60 + m;
  };
  if (!match) throw new Error('must be a range such as "22:00-07:00"');
  return { startMinute: toMinute(match[1], match[2]), endMinute: toMinute(match[3], match[4]) };
}

const kib = 1024;
const mib = 1024 * 1024;
const byteUnits: Record<string, number> = { b: 1, k: kib, kb: kib, kib, m: mib, mb: mib, mib };

/** "1MiB", "512KiB", "65536" (bytes) → bytes, within [min, max]. KB and MB are read as KiB and MiB. */
export function parseByteSize(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(raw.trim().toLowerCase());
    const unit = byteUnits[match?.[2] || "b"];
    if (!match || unit === undefined) {
      throw new Error('must be a size such as "1MiB", "512KiB" or a number of bytes');
    }
    const value = Math.round(Number(match[1]) * unit);
    if (value < min || value > max) throw new Error(`must be from ${min} to ${max} bytes`);
    return value;
  };
}

/** Replaces the password (and any token-looking query value) of a URL with "***" for display. */
export function maskUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}

/** Shows only the first few characters of a secret. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return "***";
  return `${value.slice(0, 4)}…***`;
}
