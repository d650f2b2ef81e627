import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAnthropicProvider } from "../../src/llm/anthropic.ts";
import { type LlmError, parseRetryAfter } from "../../src/llm/errors.ts";
import { createOpenAiProvider } from "../../src/llm/openai.ts";
import { computeBackoffMs, withRetry } from "../../src/llm/retry.ts";
import type { ChatRequest, LlmClient } from "../../src/llm/types.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { createScriptedClient, llmError } from "../fakes/llm/scripted-client.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

const request: ChatRequest = { messages: [{ role: "user", content: "Hi" }] };

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    return error as LlmError;
  }
  throw new Error("expected a failure");
}

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

describe("retry against the real SDKs", () => {
  test("a 429 with Retry-After (seconds) waits at least that long, then succeeds", async () => {
    openai.enqueue({ fault: "rate_limited", retryAfter: "3" }, { text: "after the wait" });
    const { delays, sleep } = recordingSleep();
    const provider = createOpenAiProvider({
      name: "openai",
      apiKey: "test-key",
      baseUrl: `${openai.url}/v1`,
      model: "m",
      timeoutMs: 5000,
    });
    const response = await withRetry(provider, { sleep, random: () => 0 }).chat(request);
    expect(response.text).toBe("after the wait");
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(3000);
  });

  test("retry-after-ms is honoured on Anthropic too", async () => {
    anthropic.enqueue({ fault: "rate_limited", retryAfterMs: 4500 }, { text: "ok" });
    const { delays, sleep } = recordingSleep();
    const provider = createAnthropicProvider({
      apiKey: "test-key",
      baseUrl: anthropic.url,
      model: "m",
      timeoutMs: 5000,
    });
    expect((await withRetry(provider, { sleep, random: () => 0.5 }).chat(request)).text).toBe("ok");
    expect(delays[0]).toBeGreaterThanOrEqual(4500);
  });

  test("401 and context-length errors are not retried and keep their clear message", async () => {
    openai.enqueue({ fault: "unauthorized" }, { fault: "context_length_exceeded" });
    const before = openai.requests.length;
    const { delays, sleep } = recordingSleep();
    const provider = createOpenAiProvider({
      name: "openai",
      apiKey: "test-key",
      baseUrl: `${openai.url}/v1`,
      model: "m",
      timeoutMs: 5000,
    });
    const client = withRetry(provider, { sleep });
    const auth = await failure(client.chat(request));
    expect(auth.message).toBe("The LLM rejected the API key (openai): check OPENAI_API_KEY");
    expect((await failure(client.chat(request))).code).toBe("llm_context_length_exceeded");
    expect(openai.requests.length - before).toBe(2);
    expect(delays).toEqual([]);
  });
});

describe("backoff", () => {
  test("delays grow 1 s × 2^attempt and stay within ±25 % jitter", async () => {
    const randoms = [0, 0.9999, 0.5];
    const client = createScriptedClient("p:m", [
      llmError("llm_request_failed"),
      llmError("llm_timeout"),
      llmError("llm_invalid_response"),
      { text: "finally" },
    ]);
    const { delays, sleep } = recordingSleep();
    const response = await withRetry(client, { sleep, random: () => randoms.shift() ?? 0.5 }).chat(request);
    expect(response.text).toBe("finally");
    expect(delays).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = delays;
    expect(first).toBeGreaterThanOrEqual(750);
    expect(first).toBeLessThanOrEqual(1250);
    expect(second).toBeGreaterThanOrEqual(1500);
    expect(second).toBeLessThanOrEqual(2500);
    expect(third).toBeGreaterThanOrEqual(3000);
    expect(third).toBeLessThanOrEqual(5000);
    expect(first).toBe(750);
    expect(second).toBeGreaterThan(2400);
  });

  test("jitter extremes and the 100 ms floor", () => {
    expect(computeBackoffMs(0, () => 0)).toBe(750);
    expect(computeBackoffMs(2, () => 0)).toBe(3000);
    expect(computeBackoffMs(1, () => 0.5)).toBe(2000);
    expect(computeBackoffMs(0, () => 0, { baseDelayMs: 10 })).toBe(100);
  });

  test("gives up after 3 retries and throws the last error", async () => {
    const client = createScriptedClient(
      "p:m",
      [1, 2, 3, 4].map(() => llmError("llm_request_failed")),
    );
    const { delays, sleep } = recordingSleep();
    const error = await failure(withRetry(client, { sleep }).chat(request));
    expect(error.code).toBe("llm_request_failed");
    expect(client.calls).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });
});

describe("what is not retried", () => {
  test("a failure after text deltas reached the caller is surfaced, not retried", async () => {
    const client = createScriptedClient("p:m", [
      { deltas: ["Hel"], error: llmError("llm_request_failed") },
      { text: "Hello", deltas: ["Hello"] },
    ]);
    const seen: string[] = [];
    const error = await failure(
      withRetry(client, { sleep: async () => {} }).chat({
        ...request,
        onTextDelta: (text) => seen.push(text),
      }),
    );
    expect(error.code).toBe("llm_request_failed");
    expect(seen).toEqual(["Hel"]);
    expect(client.calls).toHaveLength(1);
  });

  test("a streaming request that failed before any delta is retried", async () => {
    const client = createScriptedClient("p:m", [
      llmError("llm_timeout"),
      { text: "Hello", deltas: ["Hello"] },
    ]);
    const seen: string[] = [];
    await withRetry(client, { sleep: async () => {} }).chat({
      ...request,
      onTextDelta: (text) => seen.push(text),
    });
    expect(seen).toEqual(["Hello"]);
    expect(client.calls).toHaveLength(2);
  });

  test("an open circuit and a Retry-After beyond the cap are not waited for", async () => {
    const client = createScriptedClient("p:m", [
      llmError("llm_circuit_open"),
      llmError("llm_rate_limited", { retryAfterMs: 120_000 }),
    ]);
    const { delays, sleep } = recordingSleep();
    const retrying = withRetry(client, { sleep, maxRetryAfterMs: 60_000 });
    expect((await failure(retrying.chat(request))).code).toBe("llm_circuit_open");
    expect((await failure(retrying.chat(request))).code).toBe("llm_rate_limited");
    expect(client.calls).toHaveLength(2);
    expect(delays).toEqual([]);
  });

  test("nothing is retried once the caller's signal is aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const client: LlmClient = {
      label: "p:m",
      chat: async () => {
        calls += 1;
        controller.abort();
        throw llmError("llm_request_failed");
      },
    };
    await failure(
      withRetry(client, { sleep: async () => {} }).chat({ ...request, signal: controller.signal }),
    );
    expect(calls).toBe(1);
  });
});

describe("parseRetryAfter", () => {
  test("reads seconds, HTTP dates and retry-after-ms", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "12" }), now)).toBe(12_000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }), now)).toBe(
      30_000,
    );
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});
