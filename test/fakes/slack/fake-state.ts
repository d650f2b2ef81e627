/**
 * What the fake Slack remembers: the people and their DM channels, the bot's messages with edit
 * history (what tests assert on), and ephemeral notices. Message `ts` values increase across the
 * workspace like real ones ("1700000000.000100"), and a DM's channel id is derived from the
 * person's id (U0OWNER → D0OWNER), so tests can name both without asking the fake.
 */

export interface FakeMessageEdit {
  text: string;
  blocks: unknown[];
  at: number;
}

/** A message the bot posted, in its current state. */
export interface FakeMessage {
  channel: string;
  ts: string;
  /** `text` as sent (mrkdwn). */
  text: string;
  blocks: unknown[];
  /** What a person sees: the section texts (or `text`) with markup removed and entities decoded. */
  plainText: string;
  deleted: boolean;
  /** Every successful update, oldest first; the fields above already reflect the last one. */
  edits: FakeMessageEdit[];
  postedAt: number;
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  via: "chat.postEphemeral" | "response_url";
  at: number;
}

/** The buttons of a message's actions blocks. */
export interface FakeButton {
  action_id: string;
  value?: string;
  text: { text: string };
  [key: string]: unknown;
}

const BOUNDARY_BEFORE = "(^|[\\s\\u200b(\\[])";
const BOUNDARY_AFTER = "(?=$|[\\s\\u200b).,!?:;\\]])";

function stripMarker(text: string, marker: string): string {
  const escaped = marker.replace(/[*~]/g, "\\$&");
  const pattern = new RegExp(
    `${BOUNDARY_BEFORE}${escaped}([^${escaped}\\n]+)${escaped}${BOUNDARY_AFTER}`,
    "g",
  );
  return text.replace(pattern, "$1$2");
}

/** mrkdwn → what the reader sees (close enough for assertions; not a full renderer). */
export function mrkdwnToPlain(mrkdwn: string): string {
  let text = mrkdwn.replace(/```\n?([\s\S]*?)\n?```/g, "$1");
  text = text.replace(/`([^`\n]+)`/g, "$1");
  for (const marker of ["*", "_", "~"]) text = stripMarker(text, marker);
  text = text.replace(/<([^<>|]+)\|([^<>]+)>/g, "$2").replace(/<([^<>|]+)>/g, "$1");
  return text.replaceAll("\u200b", "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function sectionTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((block) => {
    const { type, text } = block as { type?: string; text?: { text?: string } };
    return type === "section" && typeof text?.text === "string" ? [text.text] : [];
  });
}

export function plainTextOf(text: string, blocks: unknown[]): string {
  const sections = sectionTexts(blocks);
  return mrkdwnToPlain(sections.length > 0 ? sections.join("\n") : text);
}

export function buttonsOf(message: Pick<FakeMessage, "blocks">): FakeButton[] {
  return message.blocks.flatMap((block) => {
    const { type, elements } = block as { type?: string; elements?: FakeButton[] };
    return type === "actions" && Array.isArray(elements) ? elements : [];
  });
}

export class FakeState {
  readonly ephemerals: FakeEphemeral[] = [];
  private readonly sent = new Map<string, FakeMessage[]>();
  private readonly members = new Map<string, string>();
  private lastTs = 1_700_000_000_000_000;

  constructor(readonly botUserId: string) {}

  /** The DM channel between the bot and `user`, opened on first use. */
  imOf(user: string): string {
    const channel = `D${user.replace(/^[UW]/, "")}`;
    this.members.set(channel, user);
    return channel;
  }

  /** Who besides the bot is in a DM channel (undefined for channels the fake does not know). */
  memberOf(channel: string): string | undefined {
    return this.members.get(channel);
  }

  nextTs(): string {
    this.lastTs = Math.max(this.lastTs + 100, Date.now() * 1000);
    const micros = String(this.lastTs);
    return `${micros.slice(0, 10)}.${micros.slice(10)}`;
  }

  post(channel: string, text: string, blocks: unknown[]): FakeMessage {
    const message: FakeMessage = {
      channel,
      ts: this.nextTs(),
      text,
      blocks,
      plainText: plainTextOf(text, blocks),
      deleted: false,
      edits: [],
      postedAt: Date.now(),
    };
    const list = this.sent.get(channel) ?? [];
    list.push(message);
    this.sent.set(channel, list);
    return message;
  }

  find(channel: string, ts: string): FakeMessage | undefined {
    return this.sent.get(channel)?.find((message) => message.ts === ts && !message.deleted);
  }

  update(message: FakeMessage, text: string, blocks: unknown[]): void {
    message.text = text;
    message.blocks = blocks;
    message.plainText = plainTextOf(text, blocks);
    message.edits.push({ text, blocks, at: Date.now() });
  }

  messages(channel: string): FakeMessage[] {
    return [...(this.sent.get(channel) ?? [])];
  }
}
