import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import type { LlmError } from "../../src/llm/errors.ts";
import { createOpenAiProvider } from "../../src/llm/openai.ts";
import type { ChatMessage, ChatRequest, ToolSpec } from "../../src/llm/types.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

let fake: FakeLlmServer;
beforeAll(() => {
  fake = startOpenAiFake();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

function provider(timeoutMs = 5000) {
  return createOpenAiProvider({
    name: "openai",
    apiKey: "test-key",
    baseUrl: `${fake.url}/v1`,
    model: "gpt-test",
    timeoutMs,
  });
}

const clockTool: ToolSpec = {
  name: "clock",
  description: "Current time",
  parameters: { type: "object", properties: { zone: { type: "string" } } },
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

describe("openai provider", () => {
  test("answers text and reports usage, sending the key and the normalized request", async () => {
    fake.enqueue({ text: "Hi there", usage: { inputTokens: 7, outputTokens: 3 } });
    const response = await provider().chat({ messages: hello, maxTokens: 50, temperature: 0.2 });
    expect(response).toMatchObject({ text: "Hi there", finishReason: "stop", provider: "openai" });
    expect(response.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
    const sent = fake.requests[0];
    expect(sent?.headers.authorization).toBe("Bearer test-key");
    expect(sent?.body).toMatchObject({
      model: "gpt-test",
      max_tokens: 50,
      temperature: 0.2,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
    });
    expect(sent?.body.tools).toBeUndefined();
  });

  test("streams text deltas whose concatenation is the final text", async () => {
    fake.enqueue({ text: "Streaming works fine", usage: { inputTokens: 4, outputTokens: 9 } });
    const deltas: string[] = [];
    const response = await provider().chat({ messages: hello, onTextDelta: (text) => deltas.push(text) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Streaming works fine");
    expect(response.text).toBe("Streaming works fine");
    expect(response.usage).toEqual({ inputTokens: 4, outputTokens: 9 });
    expect(fake.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  for (const streamed of [false, true]) {
    test(`parallel tool calls (${streamed ? "streamed" : "JSON"}) keep id, name and raw arguments`, async () => {
      fake.enqueue({
        toolCalls: [
          { id: "call_a", name: "clock", arguments: '{"zone":"UTC"}' },
          { id: "call_b", name: "clock", arguments: '{"zone":"Europe/Paris"}' },
        ],
      });
      const response = await provider().chat({
        messages: hello,
        tools: [clockTool],
        ...(streamed ? { onTextDelta: () => {} } : {}),
      });
      expect(response.finishReason).toBe("tool_calls");
      expect(response.toolCalls).toEqual([
        { id: "call_a", name: "clock", arguments: '{"zone":"UTC"}' },
        { id: "call_b", name: "clock", arguments: '{"zone":"Europe/Paris"}' },
      ]);
      expect(fake.requests[0]?.body.tools).toEqual([
        {
          type: "function",
          function: { name: "clock", description: "Current time", parameters: clockTool.parameters },
        },
      ]);
    });
  }

  test("a single streamed tool call with unparsable arguments is passed on raw", async () => {
    fake.enqueue({ toolCalls: [{ id: "call_1", name: "clock", arguments: '{"zone": "UT' }] });
    const response = await provider().chat({ messages: hello, tools: [clockTool], onTextDelta: () => {} });
    expect(response.toolCalls).toEqual([{ id: "call_1", name: "clock", arguments: '{"zone": "UT' }]);
  });

  test("tool calls and tool results round-trip into OpenAI's message shape", async () => {
    fake.enqueue({ text: "It is noon." });
    const messages: ChatMessage[] = [
      { role: "user", content: "Time?" },
      { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "clock", arguments: "{}" }] },
      { role: "tool", toolCallId: "call_1", name: "clock", content: "12:00", isError: false },
    ];
    await provider().chat({ messages, tools: [clockTool] });
    expect(fake.requests[0]?.body.messages).toEqual([
      { role: "user", content: "Time?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "clock", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "12:00" },
    ]);
  });

  test("a tool call without a name is an invalid response, JSON and streamed", async () => {
    fake.enqueue(
      { toolCalls: [{ id: "call_1", arguments: "{}" }] },
      { toolCalls: [{ name: "clock", arguments: "{}" }] },
    );
    const plain = await failure({ messages: hello, tools: [clockTool] });
    expect(plain.code).toBe("llm_invalid_response");
    expect(plain.transient).toBe(true);
    const streamed = await failure({ messages: hello, tools: [clockTool], onTextDelta: () => {} });
    expect(streamed.code).toBe("llm_invalid_response");
  });

  test("a malformed JSON body or stream event is an invalid response", async () => {
    fake.enqueue({ fault: "malformed_json" }, { fault: "malformed_json" });
    expect((await failure({ messages: hello })).code).toBe("llm_invalid_response");
    expect((await failure({ messages: hello, onTextDelta: () => {} })).code).toBe("llm_invalid_response");
  });

  test("a stream cut mid-way fails as a transient request failure after its first deltas", async () => {
    fake.enqueue({ fault: "broken_stream", text: "Half an ans" });
    const deltas: string[] = [];
    const error = await failure({ messages: hello, onTextDelta: (text) => deltas.push(text) });
    expect(deltas.join("")).toBe("Half an ans");
    expect(error.code).toBe("llm_request_failed");
    expect(error.transient).toBe(true);
  });

  test("a server that hangs past timeoutMs is llm_timeout", async () => {
    fake.enqueue({ fault: "hang" });
    const error = await failure({ messages: hello }, provider(300));
    expect(error.code).toBe("llm_timeout");
    expect(error.transient).toBe(true);
  });

  test("a stream that stalls after its first deltas is llm_timeout, not a short answer", async () => {
    fake.enqueue({ fault: "stalled_stream", text: "Wait for" });
    const deltas: string[] = [];
    const error = await failure({ messages: hello, onTextDelta: (text) => deltas.push(text) }, provider(300));
    expect(deltas.join("")).toBe("Wait for");
    expect(error.code).toBe("llm_timeout");
  });

  test("a caller abort is a cancellation, not a timeout", async () => {
    fake.enqueue({ fault: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure({ messages: hello, signal: controller.signal });
    expect(error.code as string).toBe("cancelled");
  });

  test("HTTP errors map to codes with owner-facing messages", async () => {
    fake.enqueue(
      { fault: "unauthorized" },
      { fault: "model_not_found" },
      { fault: "context_length_exceeded" },
      { fault: "server_error" },
      { fault: "rate_limited", retryAfterMs: 1500 },
    );
    const auth = await failure({ messages: hello });
    expect(auth).toMatchObject({ code: "llm_auth_failed", transient: false, status: 401 });
    expect(auth.message).toBe("The LLM rejected the API key (openai): check OPENAI_API_KEY");
    const missing = await failure({ messages: hello });
    expect(missing).toMatchObject({ code: "llm_model_not_available", transient: false });
    expect(missing.message).toContain('"gpt-test"');
    const tooLong = await failure({ messages: hello });
    expect(tooLong).toMatchObject({ code: "llm_context_length_exceeded", transient: false });
    expect(await failure({ messages: hello })).toMatchObject({
      code: "llm_request_failed",
      transient: true,
      status: 500,
    });
    expect(await failure({ messages: hello })).toMatchObject({
      code: "llm_rate_limited",
      retryAfterMs: 1500,
    });
  });

  test("ollama needs no key: the SDK sends a placeholder", async () => {
    const ollama = startOpenAiFake({ apiKey: null });
    try {
      ollama.enqueue({ text: "local" });
      const client = createOpenAiProvider({
        name: "ollama",
        baseUrl: `${ollama.url}/v1`,
        model: "llama3.2",
        timeoutMs: 5000,
      });
      const response = await client.chat({ messages: hello });
      expect(response).toMatchObject({ text: "local", provider: "ollama" });
      expect(client.label).toBe("ollama:llama3.2");
      expect(ollama.requests[0]?.headers.authorization).toBe("Bearer ollama");
    } finally {
      await ollama.close();
    }
  });
});
