/**
 * The heartbeat's rules, kept free of I/O so they are easy to test: when the checklist is
 * effectively empty (no LLM call at all), the lean prompt for one call, how to recognise "nothing
 * needs attention" (never shown in a chat), and quiet hours in the owner's timezone.
 */
import { meaningfulText } from "../agent/workspace.ts";

export const HEARTBEAT_FILE = "HEARTBEAT.md";
export const HEARTBEAT_OK = "HEARTBEAT_OK";
/** The same signal for owner-defined routines whose notify policy is "attention". */
export const ROUTINE_OK = "ROUTINE_OK";

export const heartbeatTemplate = `# Heartbeat checklist
<!--
Every HEARTBEAT_SCHEDULE (default: every 30 minutes) IronClaw reads this file. While it holds only
comments and blank lines, no LLM call is made and no tokens are spent. Add short items to check,
for example:

- Is any approval still waiting for me?
- Remind me to stretch if it is between 14:00 and 17:00 on a weekday.

If nothing needs your attention the assistant answers HEARTBEAT_OK and you hear nothing.
-->
`;

/** The checklist without comments, headings and empty list items; "" when there is nothing to check. */
export function effectiveChecklist(markdown: string): string {
  const lines = meaningfulText(markdown)
    .split("\n")
    .filter((line) => !/^\s*(#{1,6}(\s.*)?|[-*+](\s+\[[ xX]?\])?\s*|\d+[.)]\s*)$/.test(line));
  return lines.join("\n").trim();
}

export function heartbeatMessages(checklist: string, localTime: string) {
  return [
    {
      role: "system" as const,
      content:
        "You are IronClaw's periodic heartbeat check for the owner. Go through the checklist. " +
        `If nothing needs the owner's attention right now, answer exactly ${HEARTBEAT_OK} and nothing else. ` +
        "Otherwise write only the short message the owner should read, without the token.\n" +
        `Owner's local time: ${localTime}`,
    },
    { role: "user" as const, content: checklist },
  ];
}

/** Routine turns with notify "attention": appended to the prompt the model sees. */
export function attentionInstruction(): string {
  return `(If nothing here needs the owner's attention, answer exactly ${ROUTINE_OK}.)`;
}

const TOKENS = [HEARTBEAT_OK, ROUTINE_OK];
/** After removing the token, this much left over still counts as "nothing to report" (e.g. "All good."). */
const MAX_ACK_REMAINDER = 40;

/**
 * Splits an answer into "nothing to report" or the text to deliver (tokens removed). The token
 * may come wrapped in Markdown (`**HEARTBEAT_OK**`) or with a few words around it.
 */
export function classifyAnswer(text: string): { quiet: true } | { quiet: false; text: string } {
  const trimmed = text.trim();
  if (!trimmed) return { quiet: true };
  const hasToken = TOKENS.some((token) => trimmed.includes(token));
  if (!hasToken) return { quiet: false, text: trimmed };
  let rest = trimmed;
  for (const token of TOKENS) rest = rest.split(token).join(" ");
  rest = rest
    .replace(/[*_`~]+/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (rest.replace(/[\s.!,:;-]/g, "").length === 0 || rest.length <= MAX_ACK_REMAINDER)
    return { quiet: true };
  return { quiet: false, text: rest };
}

/** Minutes since local midnight in `timezone`. */
export function localMinuteOfDay(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const hour = Number(parts.find((part) => part.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((part) => part.type === "minute")?.value ?? 0);
  return hour * 60 + minute;
}

export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

export function inQuietHours(at: Date, quiet: QuietHours | undefined, timezone: string): boolean {
  if (!quiet || quiet.startMinute === quiet.endMinute) return false;
  const minute = localMinuteOfDay(at, timezone);
  return quiet.startMinute < quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

/** The first instant at or after `at` outside quiet hours (minute resolution). */
export function quietHoursEnd(at: Date, quiet: QuietHours, timezone: string): Date {
  const minute = localMinuteOfDay(at, timezone);
  const wait = (quiet.endMinute - minute + 1440) % 1440;
  const end = new Date(at.getTime() + wait * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}

/** "Mon 23 Nov, 09:00 CET" (seconds only when the time has them). */
export function formatLocal(at: Date, timezone: string): string {
  return at.toLocaleString("en-GB", {
    timeZone: timezone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    ...(at.getUTCSeconds() !== 0 ? { second: "2-digit" as const } : {}),
    timeZoneName: "short",
  });
}
