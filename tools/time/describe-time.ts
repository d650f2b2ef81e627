/**
 * Turns an instant into the facts a model needs about "now" in one timezone. Intl does the
 * timezone maths (the runtime ships the IANA database), so there is no table to keep current; an
 * unknown zone name surfaces as a RangeError from Intl, which the caller turns into a tool error.
 */

export interface TimeDescription {
  timezone: string;
  /** ISO 8601 in the zone, with its UTC offset: `2024-03-10T09:30:00-05:00`. */
  iso: string;
  /** The same instant in UTC: `2024-03-10T14:30:00.000Z`. */
  utc: string;
  /** Human-readable, e.g. `Sunday, March 10, 2024 at 9:30:00 AM EST`. */
  local: string;
  weekday: string;
  unixSeconds: number;
}

/** The IANA name the runtime uses when no zone is given (TZ, or the system's zone). */
export function defaultTimezone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Throws RangeError when `timezone` is not a zone the runtime knows. */
export function describeTime(instant: Date, timezone: string): TimeDescription {
  const numeric = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    weekday: "long",
    timeZoneName: "longOffset",
  });
  const parts = new Map(numeric.formatToParts(instant).map((part) => [part.type, part.value]));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.get(type) ?? "";
  const local = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    dateStyle: "full",
    timeStyle: "long",
  }).format(instant);
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  const time = `${part("hour")}:${part("minute")}:${part("second")}`;
  return {
    timezone: numeric.resolvedOptions().timeZone,
    iso: `${date}T${time}${isoOffset(part("timeZoneName"))}`,
    utc: instant.toISOString(),
    local,
    weekday: part("weekday"),
    unixSeconds: Math.floor(instant.getTime() / 1000),
  };
}

/** `GMT+05:30` → `+05:30`; `GMT` or `GMT+00:00` → `Z`. */
function isoOffset(zoneName: string): string {
  const offset = zoneName.replace(/^GMT/, "");
  return offset === "" || offset === "+00:00" || offset === "-00:00" ? "Z" : offset;
}
