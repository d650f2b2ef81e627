/**
 * The scan points on a real host (fake LLM at the network edge, in-memory chat, real database):
 * a key the owner pastes never reaches the LLM and is stored redacted, with a notice pointing at
 * `ironclaw secrets set`; a model answer carrying a stored secret never reaches the chat; a tool
 * request carrying a secret is refused before it leaves; every finding is a `leak_events` row.
 * Each test then greps the chat, the LLM requests, the stored messages, the events and the audit
 * rows for the value.
 */
import { afterEach, expect, test } from "bun:test";
import { leakEvents, messages, toolCalls } from "../../src/db/schema/index.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { withheldChatMessage } from "../../src/safety/chat-guard.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

const storedSecret = "stored-secret-xyz-8841";
const pastedKey = `ghp_${"Zq9W".repeat(9)}`;

function fetchTool(): Tool {
  return {
    name: "fetch_url",
    description: "GET a URL",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: { url: { type: "string" } }, required: ["url"] },
    execute: async (params, context) => {
      const { response } = await context.http.send(
        { method: "GET", url: new URL(String(params.url)), headers: new Headers() },
        { signal: context.signal },
      );
      return { content: await response.text() };
    },
  };
}

forEachBackend("safety boundaries", ({ database }) => {
  async function start(tools: Tool[] = []) {
    const handle = await database();
    const harness = await startHostHarness(handle, {
      tools,
      env: { HTTP_ALLOW_HOSTS: "127.0.0.1" },
      overrides: { storedSecretValues: () => [storedSecret] },
    });
    open.push(harness);
    const everything = async () =>
      JSON.stringify({
        chat: harness.channel.texts(),
        llm: harness.llmServer.requests,
        stored: await handle.db.select().from(messages),
        calls: await handle.db.select().from(toolCalls),
        audit: await handle.db.select().from(leakEvents),
      });
    return { ...harness, db: handle.db, everything };
  }

  test("a key the owner pastes is not sent to the LLM: stored redacted, refused, the owner told how to store it", async () => {
    const h = await start();
    await h.channel.deliver(`here is my token ${pastedKey} please use it`);
    await h.host.queue.drain();
    await h.channel.waitFor(() => h.channel.texts().length === 1);
    expect(h.llmServer.requests).toHaveLength(0);
    expect(h.channel.texts()[0]).toContain("ironclaw secrets set NAME");
    const [inbound] = await h.db.select().from(messages);
    expect(inbound).toMatchObject({
      content: "here is my token [REDACTED] please use it",
      refusal: "secret",
    });
    expect(await h.db.select().from(leakEvents)).toMatchObject([
      { point: "inbound_message", finding: "github_token", action: "redact", source: "memory" },
    ]);
    expect(await h.everything()).not.toContain(pastedKey);
  });

  test("a model answer carrying a stored secret is withheld from the chat; a provider key in it is redacted", async () => {
    const h = await start();
    const stripe = `sk_live_${"Ab12".repeat(7)}`;
    h.llmServer.enqueue({ text: `Sure, the key is ${storedSecret}` }, { text: `Billing key: ${stripe}` });
    await h.channel.deliver("what is my key?");
    await h.host.queue.drain();
    await h.channel.deliver("and the billing one?");
    await h.host.queue.drain();
    await h.channel.waitFor(() => h.channel.texts().length >= 2);
    expect(h.channel.texts().at(0)).toBe(withheldChatMessage);
    expect(h.channel.texts().at(-1)).toBe("Billing key: [REDACTED]");
    expect(JSON.stringify(h.channel.texts())).not.toContain(storedSecret);
    const audit = await h.db.select().from(leakEvents);
    expect(audit.map((row) => [row.point, row.finding])).toContainEqual([
      "chat_message",
      "known_secret_value",
    ]);
    expect(JSON.stringify(audit)).not.toContain(storedSecret);
    // Stored screened too, so the next turn's history never sends it back to the model.
    const stored = await h.db.select().from(messages);
    expect(JSON.stringify(stored.map((row) => row.content))).not.toContain(storedSecret);
    expect(JSON.stringify(stored.map((row) => row.content))).not.toContain(stripe);
    expect(JSON.stringify(h.llmServer.requests[1]?.body)).not.toContain(storedSecret);
  });

  test("a tool request carrying a secret is refused before it leaves; a clean one goes through", async () => {
    const hits: string[] = [];
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request) => {
        hits.push(new URL(request.url).pathname);
        return new Response("pong");
      },
    });
    try {
      const h = await start([fetchTool()]);
      const base = `http://127.0.0.1:${server.port}`;
      const encoded = Buffer.from(storedSecret).toString("base64");
      h.llmServer.enqueue(
        {
          toolCalls: [
            { id: "c1", name: "fetch_url", arguments: JSON.stringify({ url: `${base}/x?k=${encoded}` }) },
          ],
        },
        { toolCalls: [{ id: "c2", name: "fetch_url", arguments: JSON.stringify({ url: `${base}/ping` }) }] },
        { text: "done" },
      );
      await h.channel.deliver("fetch things");
      await h.host.queue.drain();
      expect(hits).toEqual(["/ping"]);
      const calls = await h.db.select().from(toolCalls);
      const results = calls.map((call) => String(call.result ?? ""));
      expect(results.some((text) => text.includes("it carries a credential (known_secret_value)"))).toBe(
        true,
      );
      expect(results.some((text) => text.includes("pong"))).toBe(true);
      const audit = await h.db.select().from(leakEvents);
      expect(audit).toContainEqual(
        expect.objectContaining({
          point: "http_request",
          finding: "known_secret_value",
          source: "127.0.0.1",
        }),
      );
      expect(await h.everything()).not.toContain(storedSecret);
    } finally {
      server.stop(true);
    }
  });
});
