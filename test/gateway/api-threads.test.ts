/**
 * API conversations hear what chat platforms hear: after a restart, the "I was restarted…"
 * notice and the answer to a message redispatched by recovery reach an HTTP client, on the event
 * stream and in `GET /api/chat/history`. Real host, real database, the fake LLM.
 */
import { afterEach, expect, test } from "bun:test";
import { getOrCreateConversation, recordMessage } from "../../src/db/conversations.ts";
import { createTurn } from "../../src/db/turns.ts";
import { forEachBackend } from "../support/db.ts";
import { postJson, until } from "./harness.ts";
import { type HostApi, startHostApi } from "./host-harness.ts";

const open: HostApi[] = [];
const streams: AbortController[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  for (const api of open.splice(0)) await api.close();
});

interface MessageEvent {
  id: string;
  data: { thread_id: string; role: string; text: string };
}

/** Opens the event stream and collects its `message` events. */
async function listen(api: HostApi, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  streams.push(abort);
  const response = await api.call("/api/chat/events", { headers, signal: abort.signal });
  const messages: MessageEvent[] = [];
  let buffer = "";
  void (async () => {
    try {
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
        buffer += chunk;
        const frames = buffer.split("\n\n");
        buffer = frames.pop() ?? "";
        for (const frame of frames) {
          const lines: Record<string, string> = Object.fromEntries(
            frame
              .split("\n")
              .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
          );
          if (lines.event === "message") {
            messages.push({ id: lines.id ?? "", data: JSON.parse(lines.data ?? "null") });
          }
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return messages;
}

const restartNotice =
  "I was restarted while working on “summarize my inbox”. Please send it again if you still need it.";

forEachBackend("API threads", ({ database }) => {
  test("after a restart the notice and the redispatched answer reach the stream and the history", async () => {
    const handle = await database();
    // What a killed process leaves behind on API thread t-9: a running turn, an unhandled message.
    const conversation = await getOrCreateConversation(handle.db, "api", "t-9");
    const inbound = { conversationId: conversation.id, channel: "api", chatId: "t-9" } as const;
    const { message: working } = await recordMessage(handle.db, {
      ...inbound,
      direction: "inbound",
      role: "user",
      content: "summarize my inbox",
      platformMessageId: "m-1",
    });
    await createTurn(handle.db, { conversationId: conversation.id, triggerMessageId: working.id });
    await recordMessage(handle.db, {
      ...inbound,
      direction: "inbound",
      role: "user",
      content: "and what time is it?",
      platformMessageId: "m-2",
    });

    const api = await startHostApi(handle, { script: [{ text: "It is noon." }] });
    open.push(api);
    // The client reconnects after the restart with the last id it had from the old process.
    const heard = await listen(api, { "last-event-id": "0badf00d-41" });
    await until(() => heard.length >= 2);
    expect(heard.map((event) => event.data)).toEqual([
      { thread_id: "t-9", role: "system", text: restartNotice },
      { thread_id: "t-9", role: "assistant", text: "It is noon." },
    ]);
    expect(heard[0]?.id).toMatch(/^[0-9a-f]{8}-\d+$/);

    await api.host.queue.drain();
    const history = await api.call("/api/chat/history?thread_id=t-9");
    expect(history.status).toBe(200);
    const page = (await history.json()) as {
      thread_id: string;
      messages: { id: string; role: string; text: string; created_at: string }[];
      next_before: string | null;
    };
    expect(page.thread_id).toBe("t-9");
    expect(page.next_before).toBeNull();
    expect(page.messages.map(({ role, text }) => ({ role, text }))).toEqual([
      { role: "user", text: "summarize my inbox" },
      { role: "user", text: "and what time is it?" },
      { role: "system", text: restartNotice },
      { role: "assistant", text: "It is noon." },
    ]);
    expect(new Date(page.messages[0]?.created_at ?? "").getTime()).toBeGreaterThan(0);
  });

  test("the history pages backwards with limit and before, across /new", async () => {
    const handle = await database();
    const api = await startHostApi(handle);
    open.push(api);
    type Page = { messages: { role: string; text: string }[]; next_before: string };
    const read = async (query: string) =>
      (await (await api.call(`/api/chat/history?${query}`)).json()) as Page;
    // A client that polls: each reply is stored right after it is sent, so wait for it to show
    // in the history before the next command (otherwise the next command may be stored first).
    let shown = 0;
    for (const text of ["/help", "/new", "/status"]) {
      const response = await api.call("/api/chat/send", postJson({ text, thread_id: "t-p" }));
      expect(response.status).toBe(200);
      shown += 2;
      for (let attempt = 0; attempt < 200; attempt++) {
        if ((await read("thread_id=t-p&limit=50")).messages.length >= shown) break;
        await Bun.sleep(10);
      }
    }
    // Three commands and their three replies, oldest first; /new opened a second conversation.
    const newest = await read("thread_id=t-p&limit=4");
    expect(newest.messages.map((message) => message.role)).toEqual(["user", "system", "user", "system"]);
    expect(newest.messages[0]?.text).toBe("/new");
    const older = (await (
      await api.call(`/api/chat/history?thread_id=t-p&limit=4&before=${newest.next_before}`)
    ).json()) as { messages: { role: string; text: string }[]; next_before: string | null };
    expect(older.messages.map((message) => message.text)[0]).toBe("/help");
    expect(older.messages).toHaveLength(2);
    expect(older.next_before).toBeNull();

    const unknown = await api.call("/api/chat/history?thread_id=never-used");
    expect(await unknown.json()).toEqual({ thread_id: "never-used", messages: [], next_before: null });
    for (const query of ["limit=0", "limit=201", "limit=ten", "before=-3", "before=abc"]) {
      const refused = await api.call(`/api/chat/history?thread_id=t-p&${query}`);
      expect(refused.status).toBe(400);
    }
  });
});
