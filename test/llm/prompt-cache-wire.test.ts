/**
 * The providers' prompt-cache wire fields, JSON and streamed: a request with a cache key carries
 * `prompt_cache_key` (OpenAI) or `cache_control` breakpoints (Anthropic); one without carries
 * neither (a one-off call should not pay for a cache write); cached-token counts come back in
 * our usage with one meaning (input counts every prompt token).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createAnthropicProvider } from "../../src/llm/anthropic.ts";
import { createOpenAiProvider } from "../../src/llm/openai.ts";
import type { ChatMessage, ToolSpec } from "../../src/llm/types.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

let openAi: FakeLlmServer;
let anthropic: FakeLlmServer;
beforeAll(() => {
  openAi = startOpenAiFake();
  anthropic = startAnthropicFake();
});
afterAll(async () => {
  await openAi.close();
  await anthropic.close();
});
beforeEach(() => {
  openAi.requests.length = 0;
  anthropic.requests.length = 0;
});

const tools: ToolSpec[] = [
  { name: "a", description: "First", parameters: { type: "object", properties: {} } },
  { name: "b", description: "Second", parameters: { type: "object", properties: {} } },
];
const messages: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hello" },
  { role: "assistant", content: "Hi." },
  { role: "user", content: "Again" },
];
const ephemeral = { type: "ephemeral" };

const openAiProvider = () =>
  createOpenAiProvider({
    name: "openai",
    apiKey: "test-key",
    baseUrl: `${openAi.url}/v1`,
    model: "m",
    timeoutMs: 5000,
  });
const anthropicProvider = () =>
  createAnthropicProvider({
    apiKey: "test-key",
    baseUrl: anthropic.url,
    model: "claude-test",
    timeoutMs: 5000,
  });

for (const streamed of [false, true]) {
  const streaming = streamed ? { onTextDelta: () => {} } : {};
  describe(`prompt cache on the wire (${streamed ? "streamed" : "JSON"})`, () => {
    test("OpenAI: prompt_cache_key with a cache key only; cached tokens read from the details", async () => {
      openAi.enqueue(
        { text: "x", usage: { inputTokens: 2000, outputTokens: 3, cacheReadTokens: 1536 } },
        { text: "y" },
      );
      const response = await openAiProvider().chat({
        messages,
        tools,
        cacheKey: "conversation-1",
        ...streaming,
      });
      expect(response.usage).toEqual({ inputTokens: 2000, outputTokens: 3, cacheReadTokens: 1536 });
      expect(openAi.requests[0]?.body.prompt_cache_key).toBe("conversation-1");
      await openAiProvider().chat({ messages, tools, ...streaming });
      expect(openAi.requests[1]?.body).not.toHaveProperty("prompt_cache_key");
    });

    test("Anthropic: breakpoints on the system prompt and the newest block; usage adds the cached tokens", async () => {
      anthropic.enqueue(
        {
          text: "x",
          usage: { inputTokens: 2000, outputTokens: 3, cacheReadTokens: 1500, cacheWriteTokens: 400 },
        },
        { text: "y" },
      );
      const response = await anthropicProvider().chat({
        messages,
        tools,
        cacheKey: "conversation-1",
        ...streaming,
      });
      expect(response.usage).toEqual({
        inputTokens: 2000,
        outputTokens: 3,
        cacheReadTokens: 1500,
        cacheWriteTokens: 400,
      });
      const body = anthropic.requests[0]?.body as Record<string, unknown>;
      expect(body.system).toEqual([{ type: "text", text: "Be brief.", cache_control: ephemeral }]);
      expect(body.tools).toEqual([
        { name: "a", description: "First", input_schema: { type: "object", properties: {} } },
        { name: "b", description: "Second", input_schema: { type: "object", properties: {} } },
      ]);
      expect(body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "Hello" }] },
        { role: "assistant", content: [{ type: "text", text: "Hi." }] },
        { role: "user", content: [{ type: "text", text: "Again", cache_control: ephemeral }] },
      ]);
      await anthropicProvider().chat({ messages, tools, ...streaming });
      expect(JSON.stringify(anthropic.requests[1]?.body)).not.toContain("cache_control");
    });

    test("Anthropic without a system prompt: the tools breakpoint sits on the last tool", async () => {
      anthropic.enqueue({ text: "x" });
      await anthropicProvider().chat({ messages: messages.slice(1), tools, cacheKey: "c", ...streaming });
      const sentTools = anthropic.requests[0]?.body.tools as Record<string, unknown>[];
      expect(sentTools.map((tool) => tool.cache_control)).toEqual([undefined, ephemeral]);
    });
  });
}
