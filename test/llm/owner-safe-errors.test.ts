/**
 * LlmError messages are shown to the owner, so they must never quote the provider (raw bodies,
 * echoed keys) or the runtime (ECONNRESET text); that detail must survive in `cause` for the log.
 * Run against both real SDKs and their wire-level fakes.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createAnthropicProvider } from "../../src/llm/anthropic.ts";
import { LlmError } from "../../src/llm/errors.ts";
import { createOpenAiProvider } from "../../src/llm/openai.ts";
import type { ChatRequest, LlmClient } from "../../src/llm/types.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

const openaiFake = startOpenAiFake();
const anthropicFake = startAnthropicFake();
afterAll(async () => {
  await openaiFake.close();
  await anthropicFake.close();
});

const providers: { name: string; fake: FakeLlmServer; client: LlmClient }[] = [
  {
    name: "openai",
    fake: openaiFake,
    client: createOpenAiProvider({
      name: "openai",
      apiKey: "test-key",
      baseUrl: `${openaiFake.url}/v1`,
      model: "gpt-test",
      timeoutMs: 5000,
    }),
  },
  {
    name: "anthropic",
    fake: anthropicFake,
    client: createAnthropicProvider({
      apiKey: "test-key",
      baseUrl: anthropicFake.url,
      model: "claude-test",
      timeoutMs: 5000,
    }),
  },
];

const ask: ChatRequest = { messages: [{ role: "user", content: "Hello" }] };
const rawBody = { detail: "upstream pool exhausted", trace_id: "trace-7f3e", node: "gpu-node-17" };

async function failure(client: LlmClient, request: ChatRequest = ask): Promise<LlmError> {
  try {
    await client.chat(request);
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** The error and its causes, flattened, as the log writes them. */
function detailOf(error: unknown): string {
  const parts: string[] = [];
  for (let link = error; link instanceof Error; link = link.cause) parts.push(link.message);
  return parts.join(" | ");
}

for (const { name, fake, client } of providers) {
  describe(`${name}: owner-safe error messages`, () => {
    test("a 500 with an arbitrary JSON body says only the status; the body stays in the cause", async () => {
      fake.enqueue({ fault: "http_error", status: 500, body: rawBody });
      const error = await failure(client);
      expect(error.message).toBe(`The model provider failed (${name}, HTTP 500)`);
      expect(error).toMatchObject({ code: "llm_request_failed", status: 500, transient: true });
      expect(detailOf(error)).toContain("upstream pool exhausted");
    });

    test("a connection cut mid-stream does not carry the runtime's text", async () => {
      fake.enqueue({ fault: "broken_stream", text: "Half" });
      const error = await failure(client, { ...ask, onTextDelta: () => {} });
      expect(error.code).toBe("llm_request_failed");
      expect(error.message).not.toMatch(/ECONNRESET|verbose|socket/i);
      expect(error.message).toStartWith("The connection to the model provider broke");
      expect(detailOf(error)).toContain("ECONNRESET");
    });

    test("a key echoed in a 401 body is not in the message", async () => {
      fake.enqueue({ fault: "unauthorized", echoKey: true });
      const error = await failure(client);
      expect(error.code).toBe("llm_auth_failed");
      expect(error.message).not.toContain("test-key");
      expect(detailOf(error)).toContain("test-key"); // which is why the log redacts it
    });

    test("an unreadable body is not quoted", async () => {
      fake.enqueue({ fault: "malformed_json" });
      const error = await failure(client);
      expect(error.code).toBe("llm_invalid_response");
      expect(error.message).toBe(`The model provider sent an unreadable reply (${name})`);
    });
  });
}

test("an unreachable server is named as such, without the runtime's text", async () => {
  const closed = createOpenAiProvider({
    name: "openai_compatible",
    baseUrl: "http://127.0.0.1:9/v1",
    model: "m",
    timeoutMs: 5000,
  });
  const error = await failure(closed);
  expect(error.message).toBe("The model provider could not be reached (openai_compatible)");
  expect(detailOf(error)).toContain("ECONNREFUSED");
});
