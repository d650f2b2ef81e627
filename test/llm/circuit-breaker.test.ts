import { describe, expect, test } from "bun:test";
import { withCircuitBreaker } from "../../src/llm/circuit-breaker.ts";
import type { LlmError } from "../../src/llm/errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "../../src/llm/types.ts";
import { createScriptedClient, llmError } from "../fakes/llm/scripted-client.ts";

const request: ChatRequest = { messages: [{ role: "user", content: "ping" }] };

function setup() {
  let time = 1_000_000;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  const inner = createScriptedClient("openai:m");
  const breaker = withCircuitBreaker(inner, { now: clock.now });
  return { clock, inner, breaker };
}

async function outcome(promise: Promise<ChatResponse>): Promise<string> {
  try {
    return (await promise).text;
  } catch (error) {
    return (error as LlmError).code;
  }
}

async function failTimes(breaker: LlmClient, inner: ReturnType<typeof createScriptedClient>, count: number) {
  for (let index = 0; index < count; index++) {
    inner.push(llmError("llm_request_failed"));
    expect(await outcome(breaker.chat(request))).toBe("llm_request_failed");
  }
}

describe("circuit breaker", () => {
  test("opens after 5 consecutive transient failures, then fails fast without calling", async () => {
    const { inner, breaker } = setup();
    await failTimes(breaker, inner, 4);
    expect(breaker.circuitState()).toBe("closed");
    await failTimes(breaker, inner, 1);
    expect(breaker.circuitState()).toBe("open");
    inner.push({ text: "should not be reached" });
    const error = await breaker.chat(request).catch((caught: LlmError) => caught);
    expect(error).toMatchObject({ code: "llm_circuit_open", transient: true, provider: "openai" });
    expect((error as LlmError).retryAfterMs).toBe(30_000);
    expect(inner.calls).toHaveLength(5);
  });

  test("a success resets the count of consecutive failures", async () => {
    const { inner, breaker } = setup();
    await failTimes(breaker, inner, 4);
    inner.push({ text: "ok" });
    expect(await outcome(breaker.chat(request))).toBe("ok");
    await failTimes(breaker, inner, 4);
    expect(breaker.circuitState()).toBe("closed");
  });

  test("non-transient errors do not count", async () => {
    const { inner, breaker } = setup();
    for (let index = 0; index < 6; index++) inner.push(llmError("llm_auth_failed"));
    for (let index = 0; index < 6; index++)
      expect(await outcome(breaker.chat(request))).toBe("llm_auth_failed");
    expect(breaker.circuitState()).toBe("closed");
  });

  test("half-open after 30 s; two successful probes close it", async () => {
    const { clock, inner, breaker } = setup();
    await failTimes(breaker, inner, 5);
    clock.advance(29_999);
    expect(await outcome(breaker.chat(request))).toBe("llm_circuit_open");
    clock.advance(1);
    expect(breaker.circuitState()).toBe("half_open");
    inner.push({ text: "probe 1" }, { text: "probe 2" });
    expect(await outcome(breaker.chat(request))).toBe("probe 1");
    expect(breaker.circuitState()).toBe("half_open");
    expect(await outcome(breaker.chat(request))).toBe("probe 2");
    expect(breaker.circuitState()).toBe("closed");
  });

  test("a failure while half-open reopens for another 30 s", async () => {
    const { clock, inner, breaker } = setup();
    await failTimes(breaker, inner, 5);
    clock.advance(30_000);
    inner.push({ text: "probe 1" }, llmError("llm_timeout"));
    expect(await outcome(breaker.chat(request))).toBe("probe 1");
    expect(await outcome(breaker.chat(request))).toBe("llm_timeout");
    expect(breaker.circuitState()).toBe("open");
    clock.advance(29_000);
    expect(await outcome(breaker.chat(request))).toBe("llm_circuit_open");
    clock.advance(1_000);
    expect(breaker.circuitState()).toBe("half_open");
  });

  test("half-open lets one probe through at a time", async () => {
    let time = 0;
    let release: (() => void) | undefined;
    let calls = 0;
    let failing = true;
    const slow: LlmClient = {
      label: "anthropic:m",
      chat: async () => {
        calls += 1;
        if (failing) throw llmError("llm_request_failed");
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return {
          text: "probe",
          toolCalls: [],
          finishReason: "stop",
          usage: { inputTokens: 0, outputTokens: 0 },
          provider: "anthropic",
          model: "m",
          latencyMs: 0,
        };
      },
    };
    const breaker = withCircuitBreaker(slow, { now: () => time });
    for (let index = 0; index < 5; index++) await outcome(breaker.chat(request));
    failing = false;
    time += 30_000;
    const probe = breaker.chat(request);
    expect(await outcome(breaker.chat(request))).toBe("llm_circuit_open");
    release?.();
    expect(await outcome(probe)).toBe("probe");
    expect(calls).toBe(6);
  });
});
