/**
 * Builds a real host (agent, pipeline, persistence) on a test database, with the real OpenAI
 * SDK talking to the fake OpenAI server (or the Anthropic SDK to the fake Anthropic API) and an
 * in-memory channel at the chat edge.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { setOwnerIdentity } from "../../src/db/identities.ts";
import { createHost, type HostOptions } from "../../src/host/host.ts";
import { createLlmClient } from "../../src/llm/index.ts";
import { silentLogger } from "../../src/log.ts";
import type { Channel } from "../../src/plugin/channel.ts";
import type { HostSurfaceChannel } from "../../src/plugin/registry.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { startAnthropicFake } from "../fakes/llm/anthropic-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import type { Script } from "../fakes/llm/scripted-server.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";

export interface HostHarnessOptions {
  env?: Record<string, string>;
  tools?: Tool[];
  channel?: MemoryChannel;
  overrides?: Partial<HostOptions>;
  /** Replies queued on the fake LLM before the host starts (start-up recovery may call it). */
  script?: Script[];
  /** Record "owner-1" as the channel's owner (default true); false leaves the channel to pairing. */
  owner?: boolean;
  /** Real channels to start instead of the in-memory one. */
  channels?: (Channel | HostSurfaceChannel)[];
  /** Which fake LLM API the real SDK talks to (default `openai`). */
  provider?: "openai" | "anthropic";
}

function providerEnv(provider: "openai" | "anthropic", url: string): Record<string, string> {
  return provider === "anthropic"
    ? { LLM_BACKEND: "anthropic", ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: url }
    : { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: `${url}/v1` };
}

export async function startHostHarness(database: DatabaseHandle, options: HostHarnessOptions = {}) {
  const provider = options.provider ?? "openai";
  const llmServer = provider === "anthropic" ? startAnthropicFake() : startOpenAiFake();
  llmServer.enqueue(...(options.script ?? []));
  const home = mkdtempSync(join(tmpdir(), "ironclaw-host-"));
  const config = loadConfig({
    env: {
      IRONCLAW_HOME: home,
      ...providerEnv(provider, llmServer.url),
      LLM_MODEL: "gpt-test",
      LLM_TIMEOUT: "5s",
      ...options.env,
    },
    file: { path: join(home, "ironclaw.toml"), values: {}, warnings: [] },
  });
  const setup = createLlmClient(config.llm, { log: silentLogger, sleep: async () => {}, random: () => 0.5 });
  const channel = options.channel ?? new MemoryChannel();
  if (options.owner !== false) {
    await setOwnerIdentity(database.db, { channel: channel.id, externalUserId: "owner-1", source: "config" });
  }
  const host = await createHost({
    config,
    database,
    log: silentLogger,
    llm: setup?.client ?? null,
    llmDescription: setup?.description ?? "none",
    noLlmMessage: "No LLM is configured.",
    tools: options.tools ?? [],
    channels: options.channels ?? [channel],
    streamIntervalMs: 20,
    ...options.overrides,
  });
  await host.start();
  return {
    host,
    channel,
    llmServer,
    config,
    async close() {
      await host.stop(1000);
      await llmServer.close();
    },
  };
}
