/**
 * `matrix-wasm` — a WASM channel: Matrix through the client-server API v3, as a sandboxed
 * component. The host owns the event loop and calls these callbacks, each on a fresh instance,
 * so everything that must last (the sync cursor, the bot's own user id, which rooms are DMs,
 * the parts of a split message, approval prompts) lives in `state`. The access token is injected
 * by the host for the homeserver (manifest `credentials`); this code never sees it.
 *
 * - Receive: `onPoll` long-polls `/sync` with the cursor `next_batch`; the very first sync ever
 *   only stores the cursor (no answers to old history). DM invites are joined; messages from
 *   anyone but the bot are emitted with the real sender id (the host checks the owner).
 * - Send: `PUT /rooms/{room}/send/m.room.message/{txnId}` with txnId = delivery id + part, so
 *   the host's retry of a send never duplicates it. Markdown becomes `formatted_body`
 *   (org.matrix.custom.html) beside a plain `body`; answers over 12 000 characters are split.
 * - Edit: `m.replace` with `m.new_content` (streaming answers grow in place).
 * - Approvals: a prompt message the bot seeds with 👍 🔁 👎 reactions; a reaction on it, or a
 *   typed `/approve <id>` (a message the host parses), decides. Settling edits the prompt and
 *   removes the seeds. What the host made of a reaction ("Only the owner can decide this.")
 *   comes back as `onActionResult` and is sent as an `m.notice` replying to that reaction.
 *
 * Build: `bun scripts/build-wasm.ts` (→ channels/matrix-wasm/dist/). Set-up: README.md.
 */
import {
  ChannelError,
  emitAction,
  emitMessage,
  HttpError,
  type HttpResponse,
  http,
  state,
} from "ironclaw:channel";

/** Characters of `body` per message; the event (≤ 64 KiB) also carries the HTML, twice in an edit. */
const messageLimit = 12_000;
/** UTF-8 bytes of body + formatted_body per part, so an edit (both twice) stays under 64 KiB. */
const partBytes = 28_000;
const defaultSyncTimeoutMs = 30_000;
const syncFilter = JSON.stringify({
  room: { timeline: { limit: 30 }, state: { lazy_load_members: true } },
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
});
const seeds = [
  { key: "👍", decision: "approve", label: "approve" },
  { key: "🔁", decision: "always", label: "always allow" },
  { key: "👎", decision: "deny", label: "deny" },
] as const;
/** Our namespaced field on a prompt: which approval it asks for (found again from a reaction). */
const approvalField = "org.ironclaw.approval";
const decisionOfKey: Record<string, "approve" | "always" | "deny"> = {
  "👍": "approve",
  "✅": "approve",
  "🔁": "always",
  "♾": "always",
  "👎": "deny",
  "❌": "deny",
};

// biome-ignore lint/suspicious/noExplicitAny: the homeserver's JSON; every field is checked where it is used
type Json = Record<string, any>;
interface Part {
  id: string;
  hash: string;
}
interface PromptRecord {
  approvalId: string;
  seeds: string[];
}

// ---- The homeserver ----------------------------------------------------------------------

function homeserver(): string {
  const base = state.get("homeserver");
  if (!base) throw new ChannelError("no homeserver: onStart did not run with config.homeserver");
  return base;
}

function failure(response: HttpResponse, what: string): ChannelError {
  let body: Json = {};
  try {
    body = response.json() as Json;
  } catch {
    // a proxy's HTML error page
  }
  const reason = `${body.errcode ?? "HTTP"} ${body.error ?? ""}`.trim();
  if (response.status === 429) {
    const header = Number(response.headers["retry-after"]) * 1000;
    const retryAfterMs = Number(body.retry_after_ms ?? (Number.isFinite(header) ? header : 5000));
    return new ChannelError(`${what}: rate limited by the homeserver (${reason})`, { retryAfterMs });
  }
  if (response.status === 401)
    return new ChannelError(
      `${what}: the homeserver refused the access token (${reason}); store a valid one with \`ironclaw secrets set matrix_access_token\``,
    );
  return new ChannelError(`${what}: the homeserver answered ${response.status} (${reason})`);
}

/** One request to the client-server API; the host's refusals become channel failures. */
function call(
  method: string,
  path: string,
  body: object | undefined,
  timeoutMs: number,
  what: string,
): HttpResponse {
  try {
    return http.request(`${homeserver()}/_matrix/client/v3${path}`, { method, body, timeoutMs });
  } catch (error) {
    if (error instanceof HttpError && error.kind === "auth-required")
      throw new ChannelError(
        "no Matrix access token is stored: run `ironclaw secrets set matrix_access_token`",
      );
    if (error instanceof HttpError && error.kind === "rate-limited")
      throw new ChannelError(`${what}: ${error.message}`, { retryAfterMs: 10_000 });
    throw error;
  }
}

function matrix(method: string, path: string, body?: object, timeoutMs = 15_000, what = path): Json {
  const response = call(method, path, body, timeoutMs, what);
  if (!response.ok) throw failure(response, what);
  return response.json() as Json;
}

const room = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}`;
const txn = (id: string) => encodeURIComponent(id.replace(/[^A-Za-z0-9._~-]/g, "_"));

function self(): string {
  const known = state.get("self");
  if (known) return known;
  const userId = String(matrix("GET", "/account/whoami", undefined, 15_000, "whoami").user_id ?? "");
  if (!userId) throw new ChannelError("whoami answered no user_id");
  state.set("self", userId);
  return userId;
}

const lostAnswer = new Set([502, 503, 504]);

/**
 * Sends one event. Idempotent by `txnId` (the homeserver answers a repeated transaction with the
 * first event's id), so an answer lost on the way — a gateway error, a dropped connection — is
 * retried once at once with the same id, and never doubles the message.
 */
function send(roomId: string, type: string, content: object, txnId: string): string {
  const path = `${room(roomId)}/send/${encodeURIComponent(type)}/${txn(txnId)}`;
  const what = `send ${type}`;
  for (let attempt = 1; ; attempt++) {
    let response: HttpResponse;
    try {
      response = call("PUT", path, content, 8_000, what);
    } catch (error) {
      const transient =
        error instanceof HttpError && (error.kind === "network-error" || error.kind === "timeout");
      if (transient && attempt === 1) continue;
      throw error;
    }
    if (lostAnswer.has(response.status) && attempt === 1) continue;
    if (!response.ok) throw failure(response, what);
    return String((response.json() as Json).event_id);
  }
}

// ---- Markdown → Matrix HTML ----------------------------------------------------------------

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Inline Markdown on one line: code spans, links (http, https, mailto only), emphasis. */
function inline(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((piece, index) => {
      if (index % 2 === 1) return `<code>${escapeHtml(piece.slice(1, -1))}</code>`;
      const links: string[] = [];
      const marked = escapeHtml(piece).replace(
        /\[([^\]\n]+)\]\(([^)\s]+)\)/g,
        (whole, label: string, url: string) => {
          if (!/^(https?:|mailto:)/i.test(url)) return whole;
          links.push(url);
          return `\uE000${links.length - 1}\uE001${label}\uE002`;
        },
      );
      return marked
        .replace(
          /\*\*(?=\S)([^*\n]*?\S)\*\*|__(?=\S)([^_\n]*?\S)__/g,
          (_whole, a, b) => `<strong>${a ?? b}</strong>`,
        )
        .replace(/~~(?=\S)([^~\n]*?\S)~~/g, "<del>$1</del>")
        .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, "$1<em>$2</em>")
        .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, "$1<em>$2</em>")
        .replace(/\uE000(\d+)\uE001([^\uE002]*)\uE002/g, (_whole, index: string, label: string) => {
          return `<a href="${links[Number(index)]}">${label}</a>`;
        });
    })
    .join("");
}

const fence = /^\s*```/;
const bullet = /^\s*[-*+]\s+/;
const numbered = /^\s*(\d+)[.)]\s+/;

/** One block (no blank lines, or one fenced code block) as HTML. */
function blockHtml(block: string): string {
  const lines = block.split("\n");
  if (fence.test(lines[0] ?? "")) {
    const language = (lines[0] ?? "")
      .replace(/^\s*```/, "")
      .trim()
      .replace(/[^\w+-]/g, "");
    const end = lines.length > 1 && fence.test(lines.at(-1) ?? "") ? -1 : undefined;
    const code = escapeHtml(lines.slice(1, end).join("\n"));
    return `<pre><code${language ? ` class="language-${language}"` : ""}>${code}</code></pre>`;
  }
  const heading = /^(#{1,6})\s+(.*)$/.exec(block);
  if (heading && lines.length === 1)
    return `<h${heading[1]?.length}>${inline(heading[2] ?? "")}</h${heading[1]?.length}>`;
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(block)) return "<hr>";
  if (lines.every((line) => line.startsWith(">")))
    return `<blockquote>${lines.map((line) => inline(line.replace(/^>\s?/, ""))).join("<br>")}</blockquote>`;
  if (lines.every((line) => bullet.test(line)))
    return `<ul>${lines.map((line) => `<li>${inline(line.replace(bullet, ""))}</li>`).join("")}</ul>`;
  if (lines.every((line) => numbered.test(line))) {
    const start = Number(numbered.exec(lines[0] ?? "")?.[1] ?? 1);
    const items = lines.map((line) => `<li>${inline(line.replace(numbered, ""))}</li>`).join("");
    return `<ol${start === 1 ? "" : ` start="${start}"`}>${items}</ol>`;
  }
  return `<p>${lines.map(inline).join("<br>")}</p>`;
}

/** Blocks separated by blank lines; a fenced code block is one block, blank lines and all. */
function blocksOf(markdown: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let inCode = false;
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    if (fence.test(line)) inCode = !inCode;
    if (!inCode && !fence.test(line) && line.trim() === "") {
      if (current.length) blocks.push(current.join("\n"));
      current = [];
    } else current.push(line);
  }
  if (current.length) blocks.push(current.join("\n"));
  return blocks;
}

/** `m.room.message` content: the Markdown as `body`, HTML only when it adds formatting. */
function contentOf(markdown: string): Json {
  const blocks = blocksOf(markdown);
  const html = blocks.map(blockHtml).join("");
  const plain = blocks.map((block) => `<p>${escapeHtml(block).split("\n").join("<br>")}</p>`).join("");
  if (html === plain) return { msgtype: "m.text", body: markdown };
  return { msgtype: "m.text", body: markdown, format: "org.matrix.custom.html", formatted_body: html };
}

// ---- Splitting --------------------------------------------------------------------------

interface Cost {
  chars: number;
  bytes: number;
}
const encoded = (text: string) => new TextEncoder().encode(JSON.stringify(text)).length - 2;
/** What a block costs in a part: body characters, and UTF-8 bytes of its body + HTML as JSON. */
const blockCost = (block: string): Cost => ({
  chars: block.length,
  bytes: encoded(block) + encoded(blockHtml(block)),
});
/** The same for a piece of one line (no block markup around it). */
const textCost = (text: string): Cost => ({
  chars: text.length,
  bytes: encoded(text) + encoded(escapeHtml(text)),
});
const noReserve: Cost = { chars: 0, bytes: 0 };

/**
 * Packs pieces into parts joined by `separator`, each within both budgets less `reserve` (what
 * is added around every part). Costs are summed, not re-measured: linear in the text.
 */
function pack(
  pieces: string[],
  separator: string,
  cost: (piece: string) => Cost,
  reserve = noReserve,
): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let total: Cost = { chars: 0, bytes: 0 };
  const joint = encoded(separator) * 2; // the separator is in the body and (as a break) in the HTML
  for (const piece of pieces) {
    const own = cost(piece);
    if (current.length) {
      const next = {
        chars: total.chars + separator.length + own.chars,
        bytes: total.bytes + joint + own.bytes,
      };
      if (next.chars + reserve.chars <= messageLimit && next.bytes + reserve.bytes <= partBytes) {
        current.push(piece);
        total = next;
        continue;
      }
      parts.push(current.join(separator));
    }
    current = [piece];
    total = own;
  }
  if (current.length) parts.push(current.join(separator));
  return parts;
}

const within = (cost: Cost, reserve = noReserve) =>
  cost.chars + reserve.chars <= messageLimit && cost.bytes + reserve.bytes <= partBytes;

/** An over-long line as pieces: at spaces, and an over-long word at code points (never half a pair). */
function splitLine(line: string, reserve: Cost): string[] {
  // A word cut into code points is glued back without spaces; whole words keep theirs.
  const tokens = line
    .split(" ")
    .flatMap((word) =>
      within(textCost(word), reserve)
        ? [{ text: word, glued: false }]
        : [...word].map((text, index) => ({ text, glued: index > 0 })),
    );
  const pieces: string[] = [];
  let current = "";
  let total: Cost = { chars: 0, bytes: 0 };
  for (const token of tokens) {
    const separator = current === "" || token.glued ? "" : " ";
    const own = textCost(token.text);
    const next = {
      chars: total.chars + separator.length + own.chars,
      bytes: total.bytes + 2 * separator.length + own.bytes,
    };
    if (current !== "" && !within(next, reserve)) {
      pieces.push(current);
      [current, total] = [token.text, own];
    } else [current, total] = [`${current}${separator}${token.text}`, next];
  }
  if (current !== "") pieces.push(current);
  return pieces;
}

/** An over-long block by lines (a code block stays code: each piece is fenced again). */
function splitBlock(block: string): string[] {
  const lines = block.split("\n");
  if (!fence.test(lines[0] ?? "")) {
    const pieces = lines.flatMap((line) => (within(textCost(line)) ? [line] : splitLine(line, noReserve)));
    return pack(pieces, "\n", textCost);
  }
  const inner = lines.slice(1, lines.length > 1 && fence.test(lines.at(-1) ?? "") ? -1 : undefined);
  const fenceCost = blockCost(`${lines[0]}\n\n\`\`\``);
  const pieces = inner.flatMap((line) =>
    within(textCost(line), fenceCost) ? [line] : splitLine(line, fenceCost),
  );
  return pack(pieces, "\n", textCost, fenceCost).map((piece) => `${lines[0]}\n${piece}\n\`\`\``);
}

/** Parts of at most `messageLimit` characters, cut at blank lines, then lines, spaces, characters. */
function splitMessage(markdown: string): string[] {
  const blocks = blocksOf(markdown).flatMap((block) =>
    within(blockCost(block)) ? [block] : splitBlock(block),
  );
  const parts = pack(blocks, "\n\n", blockCost);
  return parts.length ? parts : [markdown.trim() || "…"];
}

function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return (hash >>> 0).toString(36);
}

/** A small map in one state key, keeping the newest `recentLimit` entries (sent messages, prompts). */
const recentLimit = 64;
function recent<Value>(key: string) {
  const read = (): [string, Value][] => JSON.parse(state.get(key) ?? "[]");
  return {
    get: (id: string): Value | undefined => read().find(([known]) => known === id)?.[1],
    put(id: string, value: Value): void {
      const entries = read().filter(([known]) => known !== id);
      entries.push([id, value]);
      state.set(key, JSON.stringify(entries.slice(-recentLimit)));
    },
  };
}
const sentMessages = () => recent<Part[]>("sent");
const prompts = () => recent<PromptRecord>("prompts");

// ---- Receiving ----------------------------------------------------------------------------

function isDirectRoom(roomId: string, summary: Json | undefined): boolean {
  if (state.get(`direct:${roomId}`) === "1") return true;
  const joined = summary?.["m.joined_member_count"];
  if (joined === 2 && (summary?.["m.invited_member_count"] ?? 0) === 0) {
    state.set(`direct:${roomId}`, "1");
    return true;
  }
  return false;
}

/** The text without a reply's quoted fallback (`> <@user> …` lines before the answer). */
function withoutReplyFallback(content: Json): string {
  const body = typeof content.body === "string" ? content.body : "";
  if (!content["m.relates_to"]?.["m.in_reply_to"]) return body;
  const lines = body.split("\n");
  let start = 0;
  while (start < lines.length && lines[start]?.startsWith(">")) start++;
  return lines.slice(start).join("\n").trim();
}

/** The approval a prompt of ours asks for: from state, else from the event itself (it carries it). */
function approvalOf(roomId: string, eventId: string, me: string): string | undefined {
  const known = prompts().get(eventId)?.approvalId;
  if (known) return known;
  const response = call(
    "GET",
    `${room(roomId)}/event/${encodeURIComponent(eventId)}`,
    undefined,
    10_000,
    "event",
  );
  if (response.status === 404) return undefined;
  if (!response.ok) throw failure(response, "event");
  const event = response.json() as Json;
  const approvalId = event.content?.[approvalField]?.approval_id;
  return event.sender === me && typeof approvalId === "string" ? approvalId : undefined;
}

function onReaction(event: Json, roomId: string, me: string): void {
  const relation = event.content?.["m.relates_to"];
  if (relation?.rel_type !== "m.annotation" || typeof relation.event_id !== "string") return;
  const key = String(relation.key ?? "").replace(/[\uFE0F\u{1F3FB}-\u{1F3FF}]/gu, "");
  const decision = decisionOfKey[key];
  const approvalId = decision ? approvalOf(roomId, relation.event_id, me) : undefined;
  if (!decision || !approvalId) return;
  const action = { actionId: event.event_id, chatId: roomId, senderId: event.sender, approvalId, decision };
  deliver("a reaction", () => emitAction(action));
}

/** What a timeline event says to the assistant: text, something it cannot read, or nothing. */
function readEvent(event: Json): { text: string; unsupported: boolean } | undefined {
  const content: Json = event.content ?? {};
  if (event.type === "m.room.encrypted") return { text: "(an encrypted message)", unsupported: true };
  if (event.type === "m.sticker") return { text: "(a sticker)", unsupported: true };
  if (event.type !== "m.room.message" || content["m.relates_to"]?.rel_type === "m.replace") return undefined;
  if (content.msgtype === "m.notice") return undefined; // bots answer people, not other bots' notices
  if (content.msgtype === "m.text" || content.msgtype === "m.emote")
    return { text: withoutReplyFallback(content), unsupported: false };
  return { text: String(content.body ?? "(an attachment)"), unsupported: true };
}

/** The host's cap on an emitted message's text; a longer one is cut (the host then says it is too long). */
const emittedTextLimit = 32_768;

/**
 * Hands one event to the host. A refusal (over the emit limits, malformed) is logged and the
 * event skipped: failing the poll would keep the cursor and refuse the same batch forever.
 */
function deliver(what: string, emit: () => void): void {
  try {
    emit();
  } catch (error) {
    console.warn(`${what} not handed to the host: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function onTimelineEvent(event: Json, roomId: string, direct: boolean, me: string): void {
  if (event.type === "m.reaction") {
    onReaction(event, roomId, me);
    return;
  }
  const read = readEvent(event);
  if (!read || (!read.unsupported && read.text.trim() === "")) return;
  const message = {
    messageId: event.event_id,
    chatId: roomId,
    senderId: event.sender,
    isDirect: direct,
    text: read.text.slice(0, emittedTextLimit),
    unsupported: read.unsupported,
  };
  deliver("a message", () => emitMessage(message));
}

/** Joins DM invites (`is_direct`); `backlog` marks a room whose history before the join is old. */
function joinInvites(invites: Json, me: string, backlog: boolean): void {
  for (const [roomId, invite] of Object.entries(invites)) {
    const events: Json[] = invite?.invite_state?.events ?? [];
    const mine = events.find((event) => event.type === "m.room.member" && event.state_key === me);
    if (mine?.content?.membership !== "invite" || mine.content.is_direct !== true) continue;
    matrix("POST", `${room(roomId)}/join`, {}, 15_000, "join");
    state.set(`direct:${roomId}`, "1");
    if (backlog) state.set(`backlog:${roomId}`, "1");
  }
}

/** A room's new events; for a room joined by the very first sync, only those after the join. */
function freshEvents(roomId: string, events: Json[], me: string): Json[] {
  if (state.get(`backlog:${roomId}`) !== "1") return events;
  state.delete(`backlog:${roomId}`);
  const joinedAt = events.findIndex(
    (event) =>
      event.type === "m.room.member" && event.state_key === me && event.content?.membership === "join",
  );
  return joinedAt < 0 ? [] : events.slice(joinedAt + 1);
}

// ---- Callbacks ------------------------------------------------------------------------------

export function onStart(config: Record<string, unknown>) {
  const base = String(config.homeserver ?? "").replace(/\/+$/, "");
  if (!/^https:\/\/[^/]+$/.test(base)) throw new ChannelError("config.homeserver must be https://<host>");
  state.set("homeserver", base);
  const timeout = Number(config.sync_timeout_ms ?? defaultSyncTimeoutMs);
  state.set(
    "sync_timeout_ms",
    String(Number.isFinite(timeout) ? Math.min(Math.max(timeout, 0), 60_000) : 30_000),
  );
  state.delete("self"); // the token may belong to another account since the last start
  return { pollIntervalMs: 0, canEdit: true, canApprove: true };
}

export function onPoll(): void {
  const me = self();
  const cursor = state.get("cursor");
  const timeout = cursor ? Number(state.get("sync_timeout_ms") ?? defaultSyncTimeoutMs) : 0;
  const query = `timeout=${timeout}&filter=${encodeURIComponent(syncFilter)}${cursor ? `&since=${encodeURIComponent(cursor)}` : ""}`;
  const sync = matrix("GET", `/sync?${query}`, undefined, timeout + 15_000, "sync");
  // The very first sync ever only stores the cursor: history from before the bot is not answered.
  joinInvites(sync.rooms?.invite ?? {}, me, !cursor);
  if (cursor) {
    for (const [roomId, joined] of Object.entries<Json>(sync.rooms?.join ?? {})) {
      const direct = isDirectRoom(roomId, joined.summary);
      for (const event of freshEvents(roomId, joined.timeline?.events ?? [], me))
        if (event.sender !== me && typeof event.event_id === "string")
          onTimelineEvent(event, roomId, direct, me);
    }
  }
  if (typeof sync.next_batch === "string") state.set("cursor", sync.next_batch);
}

function sendParts(chatId: string, text: string, deliveryId: string): Part[] {
  return splitMessage(text).map((chunk, index) => ({
    id: send(chatId, "m.room.message", contentOf(chunk), `${deliveryId}.${index}`),
    hash: hashOf(chunk),
  }));
}

export function onRespond(message: { chatId: string; text: string; deliveryId: string }) {
  const parts = sendParts(message.chatId, message.text, message.deliveryId);
  const first = parts[0]?.id ?? "";
  sentMessages().put(first, parts);
  return { chatId: message.chatId, messageId: first };
}

function replace(chatId: string, eventId: string, chunk: string, txnId: string): void {
  const content = contentOf(chunk);
  const starred: Json = { msgtype: "m.text", body: `* ${content.body}` };
  if (content.formatted_body !== undefined)
    Object.assign(starred, { format: content.format, formatted_body: `* ${content.formatted_body}` });
  send(
    chatId,
    "m.room.message",
    {
      ...starred,
      "m.new_content": content,
      "m.relates_to": { rel_type: "m.replace", event_id: eventId },
    },
    txnId,
  );
}

function redact(chatId: string, eventId: string, txnId: string): void {
  matrix("PUT", `${room(chatId)}/redact/${encodeURIComponent(eventId)}/${txn(txnId)}`, {}, 15_000, "redact");
}

export function onEdit(
  ref: { chatId: string; messageId: string },
  message: { text: string; deliveryId: string },
) {
  const prompt = prompts().get(ref.messageId);
  if (prompt) {
    // Settling an approval: the outcome replaces the prompt and its reaction buttons go.
    replace(ref.chatId, ref.messageId, message.text, `${message.deliveryId}.0`);
    for (const [index, seed] of prompt.seeds.entries())
      redact(ref.chatId, seed, `${message.deliveryId}.seed.${index}`);
    prompts().put(ref.messageId, { ...prompt, seeds: [] });
    return;
  }
  const known = sentMessages().get(ref.messageId) ?? [{ id: ref.messageId, hash: "" }];
  const chunks = splitMessage(message.text);
  const parts = chunks.map((chunk, index): Part => {
    const txnId = `${message.deliveryId}.${index}`;
    const existing = known[index];
    if (!existing)
      return { id: send(ref.chatId, "m.room.message", contentOf(chunk), txnId), hash: hashOf(chunk) };
    if (existing.hash !== hashOf(chunk)) replace(ref.chatId, existing.id, chunk, txnId);
    return { id: existing.id, hash: hashOf(chunk) };
  });
  for (const [index, extra] of known.slice(chunks.length).entries())
    redact(ref.chatId, extra.id, `${message.deliveryId}.gone.${index}`);
  sentMessages().put(ref.messageId, parts);
}

export function onApproval(prompt: {
  chatId: string;
  approvalId: string;
  tool: string;
  summary: string;
  allowAlways: boolean;
  expiresAtMillis: number;
}) {
  const offered = seeds.filter((seed) => seed.decision !== "always" || prompt.allowAlways);
  const minutes = Math.max(1, Math.round((prompt.expiresAtMillis - Date.now()) / 60_000));
  const reactions = offered.map((seed) => `${seed.key} ${seed.label}`).join(", ");
  const typed = offered.map((seed) => `/${seed.decision} ${prompt.approvalId}`).join(", ");
  const how = `React ${reactions} — or reply ${typed}. Expires in ${minutes} min.`;
  const body = `Approval needed: ${prompt.tool}\n${prompt.summary}\n${how}`;
  const html = `<p><strong>Approval needed: ${escapeHtml(prompt.tool)}</strong></p><pre><code>${escapeHtml(prompt.summary)}</code></pre><p>${escapeHtml(how)}</p>`;
  const content = {
    msgtype: "m.text",
    body,
    format: "org.matrix.custom.html",
    formatted_body: html,
    [approvalField]: { approval_id: prompt.approvalId },
  };
  const eventId = send(prompt.chatId, "m.room.message", content, `approval.${prompt.approvalId}`);
  const seeded = offered.map((seed, index) =>
    send(
      prompt.chatId,
      "m.reaction",
      {
        "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key: seed.key },
      },
      `approval.${prompt.approvalId}.seed.${index}`,
    ),
  );
  prompts().put(eventId, { approvalId: prompt.approvalId, seeds: seeded });
  return { chatId: prompt.chatId, messageId: eventId };
}

/**
 * The host's notice for a reaction that pressed (the action id is the reaction's event id): an
 * `m.notice` in the room replying to it and mentioning the presser (Matrix has no ephemeral
 * message). The transaction id comes from the reaction, so a retried callback sends it once.
 */
export function onActionResult(result: {
  actionId: string;
  chatId: string;
  senderId: string;
  notice: string;
}): void {
  const content = {
    msgtype: "m.notice",
    body: result.notice,
    "m.relates_to": { "m.in_reply_to": { event_id: result.actionId } },
    "m.mentions": { user_ids: [result.senderId] },
  };
  send(result.chatId, "m.room.message", content, `notice.${result.actionId}`);
}

export function onStatus(chatId: string, status: "thinking" | "done"): void {
  try {
    const body = { typing: status === "thinking", ...(status === "thinking" ? { timeout: 20_000 } : {}) };
    matrix("PUT", `${room(chatId)}/typing/${encodeURIComponent(self())}`, body, 10_000, "typing");
  } catch (error) {
    // A typing notice is a courtesy: only a rate limit is worth failing the callback for.
    if (error instanceof ChannelError && error.retryAfterMs !== undefined) throw error;
    console.warn(`typing notice not sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}
