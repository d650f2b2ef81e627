import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { withCircuitBreaker } from "../../src/llm/circuit-breaker.ts";
import type { LlmError } from "../../src/llm/errors.ts";
import { createFailoverClient } from "../../src/llm/failover.ts";
import { createLlmClient, type LlmConfig } from "../../src/llm/index.ts";
import { withRetry } from "../../src/llm/retry.ts";
import type { ChatRequest } from "../../src/llm/types.ts";
import { silentLogger } from "../../src/log.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { createScriptedClient, llmError } from "../fakes/llm/scripted-client.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

let openai: FakeLlmServer;
let anthropic: FakeLlmServer;
beforeAll(() => {
  openai = startOpenAiFake();
  anthropic = startAnthropicFake();
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});
beforeEach(() => {
  openai.requests.length = 0;
  anthropic.requests.length = 0;
});

let question = 0;
/** A fresh question each time, so the response cache never answers in these tests. */
function ask(): ChatRequest {
  question += 1;
  return { messages: [{ role: "user", content: `question ${question}` }] };
}

function chain() {
  const config: LlmConfig = {
    backend: "openai",
    model: "gpt-test",
    fallbacks: [{ backend: "anthropic", model: "claude-test" }],
    timeoutMs: 5000,
    callBudgetMs: 60_000,
    openaiApiKey: "test-key",
    openaiBaseUrl: `${openai.url}/v1`,
    anthropicApiKey: "test-key",
    anthropicBaseUrl: anthropic.url,
    ollamaBaseUrl: "http://127.0.0.1:9",
  };
  const delays: number[] = [];
  const setup = createLlmClient(config, { log: silentLogger, sleep: async (ms) => void delays.push(ms) });
  if (!setup) throw new Error("expected a client");
  return { client: setup.client, description: setup.description, delays };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    return error as LlmError;
  }
  throw new Error("expected a failure");
}

describe("failover through createLlmClient (real SDKs, fake servers)", () => {
  test("moves to the fallback once the primary's retries are spent", async () => {
    const { client, description, delays } = chain();
    expect(description).toBe("openai:gpt-test (fallbacks: anthropic:claude-test)");
    openai.enqueue(...[1, 2, 3, 4].map(() => ({ fault: "server_error" as const })));
    anthropic.enqueue({ text: "from the fallback" });
    const response = await client.chat(ask());
    expect(response).toMatchObject({ text: "from the fallback", provider: "anthropic" });
    expect(openai.requests).toHaveLength(4);
    expect(anthropic.requests).toHaveLength(1);
    expect(delays).toHaveLength(3);
  });

  test("a missing model fails over at once (no retries)", async () => {
    const { client } = chain();
    openai.enqueue({ fault: "model_not_found" });
    anthropic.enqueue({ text: "fallback model" });
    expect((await client.chat(ask())).text).toBe("fallback model");
    expect(openai.requests).toHaveLength(1);
  });

  test("auth and context-length errors go straight to the owner, no failover", async () => {
    const { client } = chain();
    openai.enqueue({ fault: "unauthorized" }, { fault: "context_length_exceeded" });
    const auth = await failure(client.chat(ask()));
    expect(auth.message).toBe("The LLM rejected the API key (openai): check OPENAI_API_KEY");
    expect((await failure(client.chat(ask()))).code).toBe("llm_context_length_exceeded");
    expect(openai.requests).toHaveLength(2);
    expect(anthropic.requests).toHaveLength(0);
  });

  test("when every provider fails, the last error is thrown", async () => {
    const { client } = chain();
    openai.enqueue({ fault: "model_not_found" });
    anthropic.enqueue({ fault: "model_not_found" });
    const error = await failure(client.chat(ask()));
    expect(error).toMatchObject({ code: "llm_model_not_available", provider: "anthropic" });
  });
});

describe("failover rules", () => {
  const request: ChatRequest = { messages: [{ role: "user", content: "hi" }] };

  test("no failover after text was streamed to the caller", async () => {
    const primary = createScriptedClient("a:m", [{ deltas: ["Par"], error: llmError("llm_request_failed") }]);
    const secondary = createScriptedClient("b:m", [{ text: "whole answer" }]);
    const seen: string[] = [];
    const error = await failure(
      createFailoverClient([primary, secondary]).chat({ ...request, onTextDelta: (text) => seen.push(text) }),
    );
    expect(error.code).toBe("llm_request_failed");
    expect(seen).toEqual(["Par"]);
    expect(secondary.calls).toHaveLength(0);
  });

  test("an open circuit skips the primary without calling it", async () => {
    const primary = createScriptedClient(
      "a:m",
      [1, 2, 3, 4, 5].map(() => llmError("llm_request_failed")),
    );
    const secondary = createScriptedClient("b:m", [{ text: "one" }, { text: "two" }, { text: "three" }]);
    const wrap = (client: typeof primary) => withRetry(withCircuitBreaker(client), { sleep: async () => {} });
    const failover = createFailoverClient([wrap(primary), wrap(secondary)]);
    expect((await failover.chat(request)).text).toBe("one");
    expect(primary.calls).toHaveLength(4);
    expect((await failover.chat(request)).text).toBe("two");
    expect(primary.calls).toHaveLength(5);
    expect((await failover.chat(request)).text).toBe("three");
    expect(primary.calls).toHaveLength(5);
  });
});
