/**
 * A hanging provider must not hold a call for LLM_TIMEOUT × retries × backends: one timed-out
 * attempt moves on to the next backend, and LLM_CALL_BUDGET bounds the whole call.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { withCallBudget } from "../../src/llm/call-budget.ts";
import { LlmError } from "../../src/llm/errors.ts";
import { createLlmClient, type LlmConfig } from "../../src/llm/index.ts";
import type { ChatRequest, LlmClient } from "../../src/llm/types.ts";
import { silentLogger } from "../../src/log.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";

const fake = startOpenAiFake();
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

let question = 0;
/** A fresh question each time, so the response cache never answers. */
function ask(extra: Partial<ChatRequest> = {}): ChatRequest {
  question += 1;
  return { messages: [{ role: "user", content: `question ${question}` }], ...extra };
}

/** Primary and fallback are two models on the same fake, told apart by the model in the request. */
function client(overrides: Partial<LlmConfig>): LlmClient {
  const config: LlmConfig = {
    backend: "openai",
    model: "gpt-primary",
    fallbacks: [],
    timeoutMs: 300,
    callBudgetMs: 60_000,
    openaiApiKey: "test-key",
    openaiBaseUrl: `${fake.url}/v1`,
    ollamaBaseUrl: "http://127.0.0.1:9",
    ...overrides,
  };
  const setup = createLlmClient(config, { log: silentLogger, sleep: async () => {} });
  if (!setup) throw new Error("expected a client");
  return setup.client;
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const requestedModels = () => fake.requests.map((request) => request.body.model);

describe("a hanging provider", () => {
  test("after one timed-out attempt the fallback answers", async () => {
    fake.enqueue({ fault: "hang" }, { text: "from the fallback" });
    const llm = client({ fallbacks: [{ backend: "openai", model: "gpt-fallback" }] });
    const response = await llm.chat(ask());
    expect(response.text).toBe("from the fallback");
    expect(requestedModels()).toEqual(["gpt-primary", "gpt-fallback"]);
  });

  test("the last backend still retries a timeout, within the budget", async () => {
    fake.enqueue({ fault: "hang" }, { text: "second try" });
    const response = await client({}).chat(ask());
    expect(response.text).toBe("second try");
    expect(requestedModels()).toEqual(["gpt-primary", "gpt-primary"]);
  });

  test("with no fallback the call ends when the budget runs out, with a message naming it", async () => {
    fake.enqueue({ fault: "hang" });
    const llm = client({ timeoutMs: 60_000, callBudgetMs: 400 });
    const error = await failure(llm.chat(ask()));
    expect(error.code).toBe("llm_timeout");
    expect(error.message).toBe(
      "The model provider did not answer within 400 ms, the limit for one LLM call (LLM_CALL_BUDGET)",
    );
    expect(fake.requests).toHaveLength(1);
  });

  test("the caller's own abort is still a cancellation", async () => {
    fake.enqueue({ fault: "hang" });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 60_000, callBudgetMs: 60_000 }).chat(
      ask({ signal: controller.signal }),
    );
    await Bun.sleep(50);
    controller.abort();
    const error = await pending.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((error as { code?: string }).code).toBe("cancelled");
  });
});

test("the budget holds even against a client that ignores its abort signal", async () => {
  const deaf: LlmClient = { label: "deaf:model", chat: () => new Promise(() => {}) };
  const error = await failure(withCallBudget(deaf, { budgetMs: 100 }).chat(ask()));
  expect(error).toMatchObject({ code: "llm_timeout", provider: "deaf:model" });
});
