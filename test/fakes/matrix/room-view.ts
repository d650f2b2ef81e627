/**
 * A room as a person's Matrix client shows the bot's messages: each message with its latest
 * `m.replace` edit applied (only edits by the original sender count, as clients enforce),
 * redacted ones flagged, and the text a reader sees — the HTML `formatted_body` rendered to
 * plain text when there is one (tags dropped, entities decoded), else `body`.
 */
import type { HomeserverState, MatrixEvent } from "./homeserver-state.ts";

export interface BotMessage {
  eventId: string;
  /** What the reader sees (markup removed). */
  text: string;
  body: string;
  format?: string;
  formattedBody?: string;
  msgtype: string;
  /** How many `m.replace` edits were applied. */
  edits: number;
  redacted: boolean;
  /** The original event as sent (edits not applied). */
  original: MatrixEvent;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'" };

/** The text of Matrix HTML: line breaks for blocks, tags removed, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|h[1-6]|pre|blockquote|tr)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#x")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#") && name !== "#39") return String.fromCodePoint(Number(name.slice(1)));
      return entities[name.toLowerCase()] ?? whole;
    })
    .trim();
}

type Content = Record<string, unknown>;

function relation(content: Content): { rel_type?: string; event_id?: string } | undefined {
  return content["m.relates_to"] as { rel_type?: string; event_id?: string } | undefined;
}

function view(event: MatrixEvent, shown: Content, edits: number): BotMessage {
  const body = typeof shown.body === "string" ? shown.body : "";
  const formattedBody = typeof shown.formatted_body === "string" ? shown.formatted_body : undefined;
  const format = typeof shown.format === "string" ? shown.format : undefined;
  const html = format === "org.matrix.custom.html" && formattedBody !== undefined;
  return {
    eventId: event.event_id,
    text: event.redactedBy ? "" : html ? htmlToText(formattedBody) : body,
    body,
    format,
    formattedBody,
    msgtype: typeof shown.msgtype === "string" ? shown.msgtype : "",
    edits,
    redacted: event.redactedBy !== undefined,
    original: event,
  };
}

export function botMessagesIn(state: HomeserverState, roomId: string, botUserId: string): BotMessage[] {
  const inRoom = state.events.filter(
    (event) => event.room_id === roomId && event.type === "m.room.message" && event.sender === botUserId,
  );
  const isEdit = (event: MatrixEvent) => relation(event.content)?.rel_type === "m.replace";
  return inRoom
    .filter((event) => !isEdit(event))
    .map((event) => {
      const edits = inRoom.filter(
        (edit) => isEdit(edit) && relation(edit.content)?.event_id === event.event_id && !edit.redactedBy,
      );
      const latest = edits.at(-1)?.content["m.new_content"] as Content | undefined;
      return view(event, latest ?? event.content, edits.length);
    });
}
