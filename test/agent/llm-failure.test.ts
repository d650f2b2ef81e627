/**
 * What the owner sees when the model provider fails: a short, actionable message, the same in the
 * chat, the database and the event stream, with the provider's body and the runtime's text only
 * in the (redacted) log. Real host, real database, real OpenAI SDK against the wire-level fake.
 */
import { afterEach, expect, test } from "bun:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { configuredSecrets } from "../../src/config-secrets.ts";
import { llmCalls, messages, turns } from "../../src/db/schema/index.ts";
import { createLogger } from "../../src/log.ts";
import { forEachBackend } from "../support/db.ts";
import { type HostHarnessOptions, startHostHarness } from "../support/host.ts";

type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

const rawBody = { detail: "upstream pool exhausted", trace_id: "trace-7f3e" };

forEachBackend("LLM failures reaching the owner", ({ database }) => {
  async function start(options: HostHarnessOptions = {}) {
    const handle = await database();
    const lines: string[] = [];
    const log = createLogger({ format: "json", level: "debug", write: (line) => lines.push(line) });
    const harness = await startHostHarness(handle, { ...options, overrides: { log } });
    open.push(harness);
    log.addSecrets(configuredSecrets(harness.config));
    const events: AgentEvent[] = [];
    harness.host.bus.subscribe((event) => void events.push(event));

    /** Everything the owner can see or that was stored for the turn, as one text. */
    async function ownerVisible(): Promise<string> {
      const stored = await handle.db.select().from(messages);
      const turnRows = await handle.db.select().from(turns);
      const calls = await handle.db.select().from(llmCalls);
      return JSON.stringify({
        chat: harness.channel.sent.map((entry) => [entry.text, ...entry.edits]),
        stored: stored.map((row) => row.content),
        turns: turnRows.map((row) => row.error),
        calls: calls.map((row) => row.error),
        events,
      });
    }
    async function failedTurnNotice(): Promise<string> {
      const stored = await handle.db.select().from(messages);
      const notice = stored.find((row) => row.role === "system")?.content;
      const event = events.find((item) => item.type === "turn-error");
      expect(event?.type === "turn-error" && event.message).toBe(notice as string);
      expect(harness.channel.texts().at(-1)).toBe(notice as string);
      return notice as string;
    }
    const turnFailedLine = () => lines.find((line) => line.includes('"msg":"turn failed"')) ?? "";
    return { ...harness, lines, ownerVisible, failedTurnNotice, turnFailedLine };
  }

  test("a provider 500 with a JSON body: a short message saying how often I tried", async () => {
    const harness = await start();
    const fault = { fault: "http_error" as const, status: 500, body: rawBody };
    harness.llmServer.enqueue(fault, fault, fault, fault);
    await harness.channel.deliver("hello?");
    await harness.host.queue.drain();
    expect(await harness.failedTurnNotice()).toBe(
      "The model provider failed (openai, HTTP 500); I tried 4 times. Please try again in a moment.",
    );
    expect(await harness.ownerVisible()).not.toMatch(/upstream pool|trace-7f3e/);
    expect(harness.turnFailedLine()).toContain("upstream pool exhausted");
  });

  test("a connection cut mid-stream: no runtime text, the detail in the log", async () => {
    const harness = await start();
    // Once the first words were shown nothing is retried; but the cut may beat them to the SDK,
    // and then the request is retried like any other transient failure.
    const cut = { fault: "broken_stream" as const, text: "Half an" };
    harness.llmServer.enqueue(cut, cut, cut, cut);
    await harness.channel.deliver("tell me a story");
    await harness.host.queue.drain();
    expect(await harness.failedTurnNotice()).toMatch(
      /^The connection to the model provider broke \(openai:gpt-test\)(; I tried [2-4] times)?\. Please try again in a moment\.$/,
    );
    expect(await harness.ownerVisible()).not.toMatch(/ECONNRESET|verbose|socket/i);
    expect(harness.turnFailedLine()).toContain("ECONNRESET");
  });

  test("a hanging provider with no fallback: the owner is told when the call budget runs out", async () => {
    const harness = await start({ env: { LLM_TIMEOUT: "60s", LLM_CALL_BUDGET: "400ms" } });
    harness.llmServer.enqueue({ fault: "hang" });
    await harness.channel.deliver("are you there?");
    await harness.host.queue.drain();
    expect(await harness.failedTurnNotice()).toBe(
      "The model provider did not answer within 400 ms, the limit for one LLM call (LLM_CALL_BUDGET). Please try again in a moment.",
    );
    expect(harness.llmServer.requests).toHaveLength(1);
  });

  test("a hanging primary: after one timed-out attempt the fallback answers the owner", async () => {
    const harness = await start({ env: { LLM_TIMEOUT: "300ms", LLM_FALLBACKS: "openai:gpt-fallback" } });
    harness.llmServer.enqueue({ fault: "hang" }, { text: "Here I am." });
    await harness.channel.deliver("are you there?");
    await harness.host.queue.drain();
    expect(harness.channel.texts()).toEqual(["Here I am."]);
    expect(harness.llmServer.requests.map((request) => request.body.model)).toEqual([
      "gpt-test",
      "gpt-fallback",
    ]);
  });

  test("a key the server echoes in its 401 body never reaches the log", async () => {
    const harness = await start();
    harness.llmServer.enqueue({ fault: "unauthorized", echoKey: true });
    await harness.channel.deliver("hi");
    await harness.host.queue.drain();
    expect(harness.turnFailedLine()).toContain("Incorrect API key provided: [REDACTED]");
    expect(harness.lines.join("\n")).not.toContain("test-key");
    expect(await harness.ownerVisible()).not.toContain("test-key");
  });
});
