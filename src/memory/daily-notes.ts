/**
 * Daily notes live at `daily/YYYY-MM-DD.md`, dated in the owner's timezone (TZ): a note made at
 * 23:30 in Auckland belongs to that evening, not to the UTC date. Entries are appended under a
 * time heading so a day reads as a log.
 */

function dateParts(instant: Date, timezone: string): Record<string, string> {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  return Object.fromEntries(parts.map((part) => [part.type, part.value]));
}

/** `daily/2026-12-01.md` for the owner's date at `instant`. */
export function dailyNotePath(instant: Date, timezone: string): string {
  const parts = dateParts(instant, timezone);
  return `daily/${parts.year}-${parts.month}-${parts.day}.md`;
}

/** The text to append: a `## HH:MM` heading (owner's time) and the entry. */
export function dailyNoteEntry(instant: Date, timezone: string, text: string, title?: string): string {
  const parts = dateParts(instant, timezone);
  const heading = `## ${parts.hour}:${parts.minute}${title ? ` ${title}` : ""}`;
  return `${heading}\n${text.trim()}\n`;
}

/** `existing` with `addition` appended, separated by a blank line. */
export function appendText(existing: string, addition: string): string {
  if (existing.trim() === "") return addition;
  return `${existing.replace(/\s+$/, "")}\n\n${addition}`;
}
