/**
 * What a trivial turn sends to the LLM: the exact request bytes the real OpenAI and Anthropic SDKs
 * put on the wire for "ping" (system prompt, history, tool definitions, cache fields), with the
 * built-in tools only and with 30 dummy tools installed (then the model gets the core tools and
 * `tool_search`), and with the secret store on (as `ironclaw run` has it, adding `secret_request`).
 * Also checks that a second turn repeats the first turn's bytes as its prefix,
 * which is what lets the provider serve it from its prompt cache.
 *
 *   bun scripts/bench/prompt-size.ts
 *   BENCH_SHOW_REQUEST=1 bun scripts/bench/prompt-size.ts   (also prints each first request)
 */
import { setOwnerIdentity } from "../../src/db/identities.ts";
import { createHost } from "../../src/host/host.ts";
import { createLlmClient } from "../../src/llm/index.ts";
import { silentLogger } from "../../src/log.ts";
import type { Channel, ChannelHost } from "../../src/plugin/channel.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { startAnthropicFake } from "../../test/fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../../test/fakes/llm/openai-fake.ts";
import { createBuiltinTools } from "../../tools/index.ts";
import { benchConfig, openBenchDatabase } from "./support.ts";

function dummyTools(count: number): Tool[] {
  return Array.from({ length: count }, (_, index) => ({
    name: `dummy_${String(index + 1).padStart(2, "0")}`,
    description: `Benchmark tool ${index + 1}: looks up a value in dummy store ${index + 1}.`,
    parameters: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
    risk: "read" as const,
    approval: "never" as const,
    execute: async () => ({ content: "nothing" }),
  }));
}

async function measure(provider: "openai" | "anthropic", installed: number, secretStoreOn = false) {
  const fake = provider === "openai" ? startOpenAiFake() : startAnthropicFake();
  const env: Record<string, string> =
    provider === "openai"
      ? { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: `${fake.url}/v1` }
      : { LLM_BACKEND: "anthropic", ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url };
  const config = benchConfig({ ...env, LLM_MODEL: "bench-model", HEARTBEAT_ENABLED: "false" });
  const setup = createLlmClient(config.llm, { log: silentLogger });
  const database = await openBenchDatabase();
  await setOwnerIdentity(database.db, { channel: "bench", externalUserId: "owner", source: "config" });
  let channelHost: ChannelHost | undefined;
  let answered = () => {};
  const channel: Channel = {
    id: "bench",
    start: async (host) => {
      channelHost = host;
    },
    stop: async () => {},
    send: async (to) => {
      answered();
      return { chatId: to.chatId, messageId: String(Math.random()) };
    },
  };
  const assistant = await createHost({
    config,
    database,
    log: silentLogger,
    llm: setup?.client ?? null,
    llmDescription: "bench",
    noLlmMessage: "",
    tools: createBuiltinTools(),
    installedTools: dummyTools(installed),
    channels: [channel],
    ...(secretStoreOn
      ? {
          secretStore: createSecretStore({
            db: database.db,
            home: config.home,
            environmentKey: "bench-master-key-0123456789abcdef0123456789",
          }),
          gatewayUrl: () => "http://127.0.0.1:3000",
        }
      : {}),
  });
  await assistant.start();
  const turn = async (text: string, messageId: string) => {
    const done = new Promise<void>((resolve) => {
      answered = resolve;
    });
    fake.enqueue({ text: "pong" });
    await channelHost?.onMessage({
      channel: "bench",
      chatId: "c",
      senderId: "owner",
      messageId,
      text,
      isDirect: true,
    });
    await done;
  };
  await turn("ping", "m1");
  await turn("ping", "m2");
  const [first, second] = fake.requests;
  // BENCH_SHOW_REQUEST=1 prints the first request as sent, to see where the bytes go.
  if (process.env.BENCH_SHOW_REQUEST) console.log(first?.rawBody);
  await assistant.stop(1000);
  await database.close();
  await fake.close();
  const tools = (first?.body.tools as unknown[] | undefined)?.length ?? 0;
  return {
    bytes: Buffer.byteLength(first?.rawBody ?? ""),
    tools,
    repeated: prefixRepeated(first?.body, second?.body),
  };
}

/**
 * Does the second request start with everything the first sent (tools, system prompt, each
 * message, byte for byte)? Anthropic's moving breakpoint marker is not part of the cached text.
 */
function prefixRepeated(
  first: Record<string, unknown> | undefined,
  second: Record<string, unknown> | undefined,
) {
  if (!first || !second) return false;
  const plain = (value: unknown) =>
    JSON.stringify(value).replaceAll(',"cache_control":{"type":"ephemeral"}', "");
  const earlier = first.messages as unknown[];
  const later = (second.messages as unknown[]).slice(0, earlier.length);
  return (
    JSON.stringify(first.tools) === JSON.stringify(second.tools) &&
    JSON.stringify(first.system) === JSON.stringify(second.system) &&
    earlier.every((message, index) => plain(message) === plain(later[index]))
  );
}

for (const [installed, secretStoreOn] of [
  [0, false],
  [0, true],
  [30, true],
] as const) {
  for (const provider of ["openai", "anthropic"] as const) {
    const result = await measure(provider, installed, secretStoreOn);
    console.log(
      `${provider.padEnd(9)} "ping" with ${String(installed).padStart(2)} tools installed${secretStoreOn ? " (secret store on)" : ""}: ` +
        `${result.bytes} bytes, ${result.tools} tool definitions sent; ` +
        `the next turn repeats all of it as its prefix: ${result.repeated ? "yes" : "NO"}`,
    );
  }
}
