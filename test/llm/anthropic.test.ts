import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createAnthropicProvider } from "../../src/llm/anthropic.ts";
import type { LlmError } from "../../src/llm/errors.ts";
import type { ChatMessage, ChatRequest, ToolSpec } from "../../src/llm/types.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

let fake: FakeLlmServer;
beforeAll(() => {
  fake = startAnthropicFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

function provider(timeoutMs = 5000) {
  return createAnthropicProvider({ apiKey: "test-key", baseUrl: fake.url, model: "claude-test", timeoutMs });
}

const searchTool: ToolSpec = {
  name: "search",
  description: "Search notes",
  parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
};
const hello: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hello" },
];

async function failure(request: ChatRequest, client = provider()): Promise<LlmError> {
  try {
    await client.chat(request);
  } catch (error) {
    return error as LlmError;
  }
  throw new Error("expected the call to fail");
}

describe("anthropic provider", () => {
  test("answers text; system prompt is separate and max_tokens defaults to 4096", async () => {
    fake.enqueue({ text: "Hi!", usage: { inputTokens: 8, outputTokens: 2 } });
    const response = await provider().chat({ messages: hello, stop: ["END"] });
    expect(response).toMatchObject({ text: "Hi!", finishReason: "stop", provider: "anthropic" });
    expect(response.usage).toEqual({ inputTokens: 8, outputTokens: 2 });
    const sent = fake.requests[0];
    expect(sent?.body).toMatchObject({
      model: "claude-test",
      max_tokens: 4096,
      system: "Be brief.",
      stop_sequences: ["END"],
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
    });
    const authenticated =
      sent?.headers["x-api-key"] === "test-key" || sent?.headers.authorization === "Bearer test-key";
    expect(authenticated).toBe(true);
    expect(sent?.headers["anthropic-version"]).toBeTruthy();
  });

  test("streams text deltas whose concatenation is the final text, with usage", async () => {
    fake.enqueue({ text: "A streamed answer", usage: { inputTokens: 20, outputTokens: 11 } });
    const deltas: string[] = [];
    const response = await provider().chat({ messages: hello, onTextDelta: (text) => deltas.push(text) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("A streamed answer");
    expect(response.text).toBe("A streamed answer");
    expect(response.usage).toEqual({ inputTokens: 20, outputTokens: 11 });
  });

  for (const streamed of [false, true]) {
    test(`text plus parallel tool_use blocks (${streamed ? "streamed" : "JSON"})`, async () => {
      fake.enqueue({
        text: "Let me look.",
        toolCalls: [
          { id: "toolu_1", name: "search", arguments: '{"query":"cats"}' },
          { id: "toolu_2", name: "search", arguments: '{"query":"dogs"}' },
        ],
      });
      const response = await provider().chat({
        messages: hello,
        tools: [searchTool],
        ...(streamed ? { onTextDelta: () => {} } : {}),
      });
      expect(response.text).toBe("Let me look.");
      expect(response.finishReason).toBe("tool_calls");
      expect(response.toolCalls.map((call) => ({ ...call, arguments: JSON.parse(call.arguments) }))).toEqual([
        { id: "toolu_1", name: "search", arguments: { query: "cats" } },
        { id: "toolu_2", name: "search", arguments: { query: "dogs" } },
      ]);
      expect(fake.requests[0]?.body.tools).toEqual([
        { name: "search", description: "Search notes", input_schema: searchTool.parameters },
      ]);
    });
  }

  test("tool results become tool_result blocks, consecutive ones merged into one user message", async () => {
    fake.enqueue({ text: "Done." });
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Search both" },
      {
        role: "assistant",
        content: "Searching.",
        toolCalls: [
          { id: "toolu_1", name: "search", arguments: '{"query":"cats"}' },
          { id: "toolu_2", name: "search", arguments: '{"query":"dogs"}' },
        ],
      },
      { role: "tool", toolCallId: "toolu_1", name: "search", content: "3 notes" },
      { role: "tool", toolCallId: "toolu_2", name: "search", content: "index offline", isError: true },
    ];
    await provider().chat({ messages, tools: [searchTool] });
    expect(fake.requests[0]?.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Search both" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Searching." },
          { type: "tool_use", id: "toolu_1", name: "search", input: { query: "cats" } },
          { type: "tool_use", id: "toolu_2", name: "search", input: { query: "dogs" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "3 notes" },
          { type: "tool_result", tool_use_id: "toolu_2", content: "index offline", is_error: true },
        ],
      },
    ]);
  });

  test("a tool_use block without a name is an invalid response, JSON and streamed", async () => {
    fake.enqueue(
      { toolCalls: [{ id: "toolu_1", arguments: "{}" }] },
      { toolCalls: [{ id: "toolu_1", arguments: "{}" }] },
    );
    expect(await failure({ messages: hello, tools: [searchTool] })).toMatchObject({
      code: "llm_invalid_response",
    });
    const streamed = await failure({ messages: hello, tools: [searchTool], onTextDelta: () => {} });
    expect(streamed).toMatchObject({ code: "llm_invalid_response", transient: true });
  });

  test("malformed JSON body is an invalid response", async () => {
    fake.enqueue({ fault: "malformed_json" });
    expect((await failure({ messages: hello })).code).toBe("llm_invalid_response");
  });

  test("a stream cut mid-way is a transient failure, not a silently short answer", async () => {
    fake.enqueue({ fault: "broken_stream", text: "Partial" });
    const deltas: string[] = [];
    const error = await failure({ messages: hello, onTextDelta: (text) => deltas.push(text) });
    expect(deltas).toEqual(["Partial"]);
    expect(error).toMatchObject({ code: "llm_request_failed", transient: true });
  });

  test("a hang past timeoutMs is llm_timeout, streamed or not", async () => {
    fake.enqueue({ fault: "hang" }, { fault: "hang" });
    expect((await failure({ messages: hello }, provider(300))).code).toBe("llm_timeout");
    expect((await failure({ messages: hello, onTextDelta: () => {} }, provider(300))).code).toBe(
      "llm_timeout",
    );
  });

  test("a stream that stalls mid-way is llm_timeout (the SDK ends aborted streams quietly)", async () => {
    fake.enqueue({ fault: "stalled_stream", text: "Thinking" });
    const deltas: string[] = [];
    const error = await failure({ messages: hello, onTextDelta: (text) => deltas.push(text) }, provider(300));
    expect(deltas).toEqual(["Thinking"]);
    expect(error.code).toBe("llm_timeout");
  });

  test("HTTP errors map to codes with owner-facing messages", async () => {
    fake.enqueue(
      { fault: "unauthorized" },
      { fault: "context_length_exceeded" },
      { fault: "model_not_found" },
      { fault: "server_error" },
      { fault: "rate_limited", retryAfter: "7" },
    );
    const auth = await failure({ messages: hello });
    expect(auth).toMatchObject({ code: "llm_auth_failed", transient: false, provider: "anthropic" });
    expect(auth.message).toBe("The LLM rejected the API key (anthropic): check ANTHROPIC_API_KEY");
    const tooLong = await failure({ messages: hello });
    expect(tooLong).toMatchObject({ code: "llm_context_length_exceeded", transient: false });
    expect(tooLong.message).toContain("too long");
    expect(await failure({ messages: hello })).toMatchObject({
      code: "llm_model_not_available",
      transient: false,
    });
    expect(await failure({ messages: hello })).toMatchObject({
      code: "llm_request_failed",
      transient: true,
      status: 529,
    });
    expect(await failure({ messages: hello })).toMatchObject({
      code: "llm_rate_limited",
      retryAfterMs: 7000,
    });
  });

  test("a wrong key is rejected by the fake's own auth check", async () => {
    const wrong = createAnthropicProvider({
      apiKey: "nope",
      baseUrl: fake.url,
      model: "claude-test",
      timeoutMs: 5000,
    });
    expect((await failure({ messages: hello }, wrong)).code).toBe("llm_auth_failed");
  });
});
