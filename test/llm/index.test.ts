import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ConfigError } from "../../src/errors.ts";
import { createLlmClient, detectOllama, type LlmConfig, resolveLlmSetup } from "../../src/llm/index.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import type { FakeLlmServer } from "../fakes/llm/scripted-server.ts";

let ollama: FakeLlmServer;
let anthropic: FakeLlmServer;
let closedUrl: string;
beforeAll(async () => {
  ollama = startOpenAiFake({ apiKey: null });
  anthropic = startAnthropicFake();
  // A port that was just free: nothing listens there any more.
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  closedUrl = `http://127.0.0.1:${server.port}`;
  await server.stop(true);
});
afterAll(async () => {
  await ollama.close();
  await anthropic.close();
});

function config(overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { fallbacks: [], timeoutMs: 5000, callBudgetMs: 60_000, ollamaBaseUrl: closedUrl, ...overrides };
}

const hello = { messages: [{ role: "user" as const, content: "hello" }] };

describe("createLlmClient", () => {
  test("returns null when no backend is chosen and no key is set", () => {
    expect(createLlmClient(config(), { log: silentLogger })).toBeNull();
  });

  test("picks the backend from whichever key is set, with default models", () => {
    expect(createLlmClient(config({ openaiApiKey: "k" }), { log: silentLogger })?.description).toBe(
      "openai:gpt-4o-mini",
    );
    expect(createLlmClient(config({ anthropicApiKey: "k" }), { log: silentLogger })?.description).toBe(
      "anthropic:claude-sonnet-4-5",
    );
    const explicit = createLlmClient(
      config({
        backend: "anthropic",
        model: "claude-x",
        anthropicApiKey: "k",
        openaiApiKey: "k",
        fallbacks: [{ backend: "ollama", model: "qwen" }],
      }),
      { log: silentLogger },
    );
    expect(explicit?.description).toBe("anthropic:claude-x (fallbacks: ollama:qwen)");
  });

  test("a chosen backend without its key is a ConfigError naming the variable", () => {
    expect(() => createLlmClient(config({ backend: "anthropic" }), { log: silentLogger })).toThrow(
      ConfigError,
    );
    expect(() => createLlmClient(config({ backend: "anthropic" }), { log: silentLogger })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
    expect(() =>
      createLlmClient(
        config({ openaiApiKey: "k", fallbacks: [{ backend: "openai_compatible", model: "m" }] }),
        {
          log: silentLogger,
        },
      ),
    ).toThrow(/OPENAI_BASE_URL/);
  });

  test("logs each call at debug with provider, model, tokens and latency; repeats come from the cache", async () => {
    const lines: string[] = [];
    const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
    const setup = createLlmClient(
      config({ anthropicApiKey: "test-key", anthropicBaseUrl: anthropic.url, model: "claude-test" }),
      { log },
    );
    anthropic.enqueue({ text: "hi", usage: { inputTokens: 9, outputTokens: 4 } });
    const first = await setup?.client.chat(hello);
    const second = await setup?.client.chat(hello);
    expect(first?.text).toBe("hi");
    expect(second?.cached).toBe(true);
    const calls = lines.map((line) => JSON.parse(line)).filter((record) => record.msg === "llm call");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      level: "debug",
      provider: "anthropic",
      inputTokens: 9,
      outputTokens: 4,
    });
    expect(typeof calls[0].latencyMs).toBe("number");
    expect(calls[0].model).toBe("claude-test");
  });
});

describe("Ollama detection", () => {
  test("true when /api/tags answers 200", async () => {
    expect(await detectOllama(ollama.url)).toBe(true);
  });

  test("false against a closed port or a server without /api/tags", async () => {
    expect(await detectOllama(closedUrl)).toBe(false);
    expect(await detectOllama(anthropic.url)).toBe(false);
  });

  test("resolveLlmSetup falls back to a local Ollama when no key is set", async () => {
    const setup = await resolveLlmSetup(config({ ollamaBaseUrl: `${ollama.url}/` }), silentLogger);
    expect(setup?.description).toBe("ollama:llama3.2");
    ollama.enqueue({ text: "from ollama" });
    expect((await setup?.client.chat(hello))?.text).toBe("from ollama");
    expect(ollama.requests.at(-1)?.path).toBe("/v1/chat/completions");
  });

  test("resolveLlmSetup returns null when there is no key and no Ollama", async () => {
    expect(await resolveLlmSetup(config(), silentLogger)).toBeNull();
  });

  test("an explicit backend is used without probing Ollama", async () => {
    const setup = await resolveLlmSetup(config({ openaiApiKey: "k" }), silentLogger);
    expect(setup?.description).toBe("openai:gpt-4o-mini");
  });
});

describe("SDK loading", () => {
  /** Which SDKs a fresh process has loaded after setting up `llmConfig` (and loading it). */
  async function sdksLoadedFor(llmConfig: Partial<LlmConfig>): Promise<string[]> {
    const script = `
      const { resolveLlmSetup } = await import(${JSON.stringify(`${import.meta.dir}/../../src/llm/index.ts`)});
      const { silentLogger } = await import(${JSON.stringify(`${import.meta.dir}/../../src/log.ts`)});
      const setup = await resolveLlmSetup(${JSON.stringify(config(llmConfig))}, silentLogger);
      await setup?.load(); // what app.ts does once the gateway is ready
      const loaded = Object.keys(require.cache);
      const sdks = ["openai", "@anthropic-ai/sdk"].filter((name) =>
        loaded.some((path) => path.includes("/node_modules/" + name + "/")),
      );
      console.log(JSON.stringify(sdks));
    `;
    const child = Bun.spawn([process.execPath, "-e", script], {
      env: { PATH: process.env.PATH ?? "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [output, errors] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    if ((await child.exited) !== 0) throw new Error(errors);
    return JSON.parse(output) as string[];
  }

  test("only the configured backends' SDKs are loaded, and none without an LLM", async () => {
    expect(await sdksLoadedFor({ openaiApiKey: "k" })).toEqual(["openai"]);
    expect(await sdksLoadedFor({ anthropicApiKey: "k" })).toEqual(["@anthropic-ai/sdk"]);
    expect(
      await sdksLoadedFor({ anthropicApiKey: "k", fallbacks: [{ backend: "ollama", model: "qwen" }] }),
    ).toEqual(["openai", "@anthropic-ai/sdk"]);
    expect(await sdksLoadedFor({})).toEqual([]);
  }, 30_000);

  test("a client used before anyone loaded it loads its SDK on the first call", async () => {
    const setup = createLlmClient(config({ openaiApiKey: "k", openaiBaseUrl: `${ollama.url}/v1` }), {
      log: silentLogger,
    });
    ollama.enqueue({ text: "loaded on demand" });
    expect((await setup?.client.chat(hello))?.text).toBe("loaded on demand");
  });
});
