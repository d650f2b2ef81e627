/** Every message on an API thread goes out on the event stream; a reconnecting client gets what it missed. */
import { afterEach, describe, expect, test } from "bun:test";
import { createThreadFeed } from "../../src/gateway/thread-feed.ts";
import { type ApiHarness, postJson, startApi, until } from "./harness.ts";

let api: ApiHarness | undefined;
const streams: AbortController[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  await api?.gateway.stop();
  api = undefined;
});

async function streamText(harness: ApiHarness, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  streams.push(abort);
  const response = await harness.call("/api/chat/events", { headers, signal: abort.signal });
  let text = "";
  void (async () => {
    try {
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) text += chunk;
    } catch {
      // aborted by the test
    }
  })();
  await until(() => text.includes(": connected"));
  return () => text;
}

describe("message events on the event stream", () => {
  test("a live send's answer and a late answer after a 504 are both published with the thread id", async () => {
    api = startApi({ replyTimeoutMs: 30 });
    const text = await streamText(api);
    expect((await api.call("/api/chat/send", postJson({ text: "hi", thread_id: "t-1" }))).status).toBe(200);
    await until(() => text().includes("pong: hi"));
    expect(text()).toMatch(
      /id: [0-9a-f]{8}-1\nevent: message\ndata: \{"thread_id":"t-1","role":"assistant","text":"pong: hi"\}\n\n/,
    );

    expect((await api.call("/api/chat/send", postJson({ text: "silent", thread_id: "t-2" }))).status).toBe(
      504,
    );
    await api.chat.responders[1]?.notice("done after all");
    await until(() => text().includes("done after all"));
    expect(text()).toContain('data: {"thread_id":"t-2","role":"system","text":"done after all"}');
  });

  test("Last-Event-ID replays what came after it; without one nothing is replayed", async () => {
    api = startApi();
    for (const word of ["one", "two", "three"]) {
      api.feed.publish({ threadId: "t-r", role: "assistant", text: word });
    }
    const [first] = api.feed.missedSince("00000000-0");
    const fresh = await streamText(api);
    const resumed = await streamText(api, { "last-event-id": first?.id ?? "" });
    await until(() => resumed().includes('"text":"three"'));
    expect(resumed()).not.toContain('"text":"one"');
    expect(resumed()).toContain('"text":"two"');
    expect(fresh()).not.toContain("event: message");
  });
});

describe("the thread feed", () => {
  test("an id of an earlier process gets everything retained; the oldest entries fall off", () => {
    const feed = createThreadFeed({ retain: 2 });
    for (const text of ["a", "b", "c"]) feed.publish({ threadId: "t", role: "system", text });
    expect(feed.missedSince("deadbeef-7").map((entry) => entry.message.text)).toEqual(["b", "c"]);
    expect(feed.missedSince(null)).toEqual([]);
  });

  test("its responder publishes answers and notices of the thread", async () => {
    const feed = createThreadFeed();
    const heard: string[] = [];
    feed.subscribe((entry) =>
      heard.push(`${entry.message.threadId}/${entry.message.role}/${entry.message.text}`),
    );
    const responder = feed.responderFor("t-5");
    responder.onDelta("ignored");
    expect(await responder.finish("answer")).toBeUndefined();
    await responder.notice("notice");
    expect(heard).toEqual(["t-5/assistant/answer", "t-5/system/notice"]);
  });
});
