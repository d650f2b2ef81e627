/**
 * One provider client per configured backend, its SDK loaded on demand. The configuration is
 * checked at once (a missing key is a ConfigError at start-up, as before), but `openai` or
 * `@anthropic-ai/sdk` is imported only for a backend that is actually configured: each SDK costs
 * ~16 MB and tens of milliseconds of start-up, and most owners use one of them.
 *
 * `load()` imports the SDK and builds the provider ahead of the first call (app.ts calls it once ready,
 * so the first turn does not pay); `chat` loads on its own when nobody did.
 */
import type { LlmBackend } from "../config-variables.ts";
import { ConfigError } from "../errors.ts";
import type { LlmConfig } from "./index.ts";
import type { LlmClient } from "./types.ts";

export interface ProviderClient extends LlmClient {
  /** Imports the SDK and builds the provider; resolves once the first call would not wait. */
  load(): Promise<void>;
}

export interface ProviderDependencies {
  fetch?: typeof fetch;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

function onDemand(label: string, build: () => Promise<LlmClient>): ProviderClient {
  let building: Promise<LlmClient> | undefined;
  const provider = () => {
    building ??= build().catch((error) => {
      building = undefined; // a failed import is tried again on the next call
      throw error;
    });
    return building;
  };
  return {
    label,
    chat: async (request) => (await provider()).chat(request),
    load: async () => {
      await provider();
    },
  };
}

export function createProvider(
  backend: LlmBackend,
  model: string,
  config: LlmConfig,
  deps: ProviderDependencies,
): ProviderClient {
  const common = { model, timeoutMs: config.timeoutMs, fetch: deps.fetch };
  const openAi = (options: Parameters<typeof import("./openai.ts").createOpenAiProvider>[0]) =>
    onDemand(`${options.name}:${model}`, async () =>
      (await import("./openai.ts")).createOpenAiProvider(options),
    );
  switch (backend) {
    case "openai": {
      const apiKey = config.openaiApiKey;
      if (!apiKey) throw new ConfigError("OPENAI_API_KEY", "must be set to use the openai backend");
      return openAi({ ...common, name: "openai", apiKey, baseUrl: config.openaiBaseUrl });
    }
    case "openai_compatible":
      if (!config.openaiBaseUrl) {
        throw new ConfigError("OPENAI_BASE_URL", "must be set to use the openai_compatible backend");
      }
      return openAi({
        ...common,
        name: "openai_compatible",
        apiKey: config.openaiApiKey,
        baseUrl: config.openaiBaseUrl,
      });
    case "anthropic": {
      const apiKey = config.anthropicApiKey;
      if (!apiKey) {
        throw new ConfigError("ANTHROPIC_API_KEY", "must be set to use the anthropic backend");
      }
      return onDemand(`anthropic:${model}`, async () =>
        (await import("./anthropic.ts")).createAnthropicProvider({
          ...common,
          apiKey,
          baseUrl: config.anthropicBaseUrl,
        }),
      );
    }
    case "ollama":
      return openAi({ ...common, name: "ollama", baseUrl: `${trimSlash(config.ollamaBaseUrl)}/v1` });
  }
}
