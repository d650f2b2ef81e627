import { afterEach, describe, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { type ApiHarness, startApi, token, until } from "./harness.ts";

let api: ApiHarness | undefined;
const clients: AbortController[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.abort();
  await api?.gateway.stop();
  api = undefined;
});

/** An SSE client over fetch: keeps everything received and can wait for a condition on it. */
async function connect(harness: ApiHarness, path = "/api/chat/events") {
  const abort = new AbortController();
  clients.push(abort);
  const response = await harness.call(path, { signal: abort.signal });
  let received = "";
  let reading: Promise<void> = Promise.resolve();
  if (response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    reading = (async () => {
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
          received += chunk.value;
      } catch {
        // aborted by the test
      }
    })();
  }
  return {
    response,
    abort: () => abort.abort(),
    text: () => received,
    waitFor: (condition: (text: string) => boolean) => until(() => condition(received)),
    reading,
  };
}

function parseFrames(text: string): { event: string; data: unknown }[] {
  return text
    .split("\n\n")
    .filter((frame) => frame.startsWith("event: "))
    .map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      return { event: (eventLine ?? "").slice(7), data: JSON.parse((dataLine ?? "").slice(6)) };
    });
}

const approvalRequest: AgentEvent = {
  type: "approval-requested",
  turnId: "turn-1",
  conversationId: "conv-1",
  call: { id: "call-1", name: "shell", arguments: '{"command":"ls"}' },
  approvalId: "appr-1",
  summary: "ls",
  expiresAt: "2030-01-01T00:30:00.000Z",
};
const delta: AgentEvent = { type: "text-delta", turnId: "turn-1", conversationId: "conv-1", text: "Hel" };
const turnEnd: AgentEvent = { type: "turn-end", turnId: "turn-1", conversationId: "conv-1", text: "Hello" };

describe("GET /api/chat/events", () => {
  test("streams bus events as SSE, the approval request as approval_needed", async () => {
    api = startApi();
    const client = await connect(api);
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get("content-type")).toContain("text/event-stream");
    expect(client.response.headers.get("cache-control")).toBe("no-cache");
    await until(() => api?.events.listenerCount() === 1);

    await api.events.publish(approvalRequest);
    await api.events.publish(delta);
    await api.events.publish(turnEnd);
    await client.waitFor((text) => text.includes("event: turn-end"));

    expect(parseFrames(client.text())).toEqual([
      { event: "approval_needed", data: approvalRequest },
      { event: "text-delta", data: delta },
      { event: "turn-end", data: turnEnd },
    ]);
  });

  test("sends a keepalive comment every keepaliveMs", async () => {
    api = startApi({ keepaliveMs: 10 });
    const client = await connect(api);
    await client.waitFor((text) => text.split(": keepalive\n\n").length > 2);
    expect(client.text()).toContain(": keepalive\n\n");
  });

  test("unsubscribes from the bus when the client goes away", async () => {
    api = startApi();
    const first = await connect(api);
    const second = await connect(api);
    await until(() => api?.events.listenerCount() === 2);
    first.abort();
    await until(() => api?.events.listenerCount() === 1);
    // The remaining client still receives events.
    await api.events.publish(turnEnd);
    await second.waitFor((text) => text.includes("event: turn-end"));
    second.abort();
    await until(() => api?.events.listenerCount() === 0);
    expect(first.text()).not.toContain("turn-end");
  });

  test("refuses streams beyond the limit with 503, and accepts again after one closed", async () => {
    api = startApi({ maxEventStreams: 3 });
    const open = [await connect(api), await connect(api), await connect(api)];
    for (const client of open) expect(client.response.status).toBe(200);

    const refused = await api.call("/api/chat/events");
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe("unavailable");
    expect(api.events.listenerCount()).toBe(3);

    open[0]?.abort();
    await until(() => api?.events.listenerCount() === 2);
    const again = await connect(api);
    expect(again.response.status).toBe(200);
  });

  test("the default limit is 100 streams", async () => {
    api = startApi();
    const open = [];
    for (let index = 0; index < 100; index++)
      open.push(await connect(api, `/api/chat/events?token=${token}`));
    expect(open.every((client) => client.response.status === 200)).toBe(true);
    const refused = await api.call("/api/chat/events");
    expect(refused.status).toBe(503);
  });
});
