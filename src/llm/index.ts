/**
 * Wires the LLM layer from configuration. The resulting client is, from the outside in:
 *
 *   response cache → call budget (LLM_CALL_BUDGET) → failover over [primary, ...LLM_FALLBACKS]
 *   → per provider: retry → circuit breaker → call log → provider (openai | anthropic | ollama |
 *   openai_compatible)
 *
 * A timed-out attempt is retried only on the last backend of the chain: with a fallback left,
 * one hang of LLM_TIMEOUT is enough to move on.
 *
 * The primary backend is LLM_BACKEND, else whichever key is set (OPENAI_API_KEY first, then
 * ANTHROPIC_API_KEY). With neither, `resolveLlmSetup` tries a local Ollama, and returns null when
 * none answers so start-up can print `llmSetupHint` instead of failing on the first message.
 * Only the SDKs of configured backends are loaded (provider.ts).
 */
import type { Config } from "../config.ts";
import type { LlmBackend } from "../config-variables.ts";
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { withResponseCache } from "./cache.ts";
import { withCallBudget } from "./call-budget.ts";
import { withCallLog } from "./call-log.ts";
import { withCircuitBreaker } from "./circuit-breaker.ts";
import { createFailoverClient } from "./failover.ts";
import { createProvider, trimSlash } from "./provider.ts";
import { type RetryOptions, withRetry } from "./retry.ts";
import type { LlmClient } from "./types.ts";

export { isLlmError, LlmError, type LlmErrorCode } from "./errors.ts";
export type * from "./types.ts";

export type LlmConfig = Config["llm"];

export interface LlmSetup {
  client: LlmClient;
  /** One line for start-up logs and `doctor`, e.g. "openai:gpt-4o-mini (fallbacks: ollama:llama3.2)". */
  description: string;
  /** Loads the SDKs of the chain's backends (provider.ts); calls load them on demand otherwise. */
  load(): Promise<void>;
}

export interface LlmDependencies {
  log: Logger;
  fetch?: typeof fetch;
  /** Test seams: pin backoff sleeps and jitter, and the breaker/cache clock. */
  sleep?: RetryOptions["sleep"];
  random?: () => number;
  now?: () => number;
}

export const defaultModels: Readonly<Record<Exclude<LlmBackend, "openai_compatible">, string>> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  ollama: "llama3.2",
};

export const llmSetupHint =
  "No LLM is configured. Set OPENAI_API_KEY or ANTHROPIC_API_KEY (optionally LLM_MODEL), " +
  "or start Ollama (https://ollama.com) and pull a model, e.g. `ollama pull llama3.2`. " +
  "For another OpenAI-compatible server set LLM_BACKEND=openai_compatible, OPENAI_BASE_URL and LLM_MODEL.";

function pickPrimaryBackend(config: LlmConfig): LlmBackend | undefined {
  if (config.backend) return config.backend;
  if (config.openaiApiKey) return "openai";
  if (config.anthropicApiKey) return "anthropic";
  return undefined;
}

/** Builds the resilient client, or returns null when no backend is chosen and no key is set. */
export function createLlmClient(config: LlmConfig, deps: LlmDependencies): LlmSetup | null {
  const primary = pickPrimaryBackend(config);
  if (!primary) return null;
  if (primary === "openai_compatible" && !config.model) {
    throw new ConfigError("LLM_MODEL", "must be set to use the openai_compatible backend");
  }
  const primaryModel = config.model ?? defaultModels[primary as keyof typeof defaultModels];
  const chain = [{ backend: primary, model: primaryModel }, ...config.fallbacks];
  const providers = chain.map(({ backend, model }) => createProvider(backend, model, config, deps));
  const clients = providers.map((created, position) => {
    const provider = withCallLog(created, deps.log);
    // One breaker per backend:model, so a fallback to another model on the same backend is
    // still possible when only the first model is failing (rate limits are per model).
    const breaker = withCircuitBreaker(provider, { now: deps.now });
    return withRetry(breaker, {
      sleep: deps.sleep,
      random: deps.random,
      log: deps.log,
      retryTimeouts: position === chain.length - 1,
    });
  });
  const failover = createFailoverClient(clients, { log: deps.log });
  const budgeted = withCallBudget(failover, { budgetMs: config.callBudgetMs });
  const client = withResponseCache(budgeted, { now: deps.now });
  const [first, ...rest] = clients.map((entry) => entry.label);
  const description = rest.length ? `${first} (fallbacks: ${rest.join(", ")})` : `${first}`;
  const load = async () => {
    await Promise.all(providers.map((provider) => provider.load()));
  };
  return { client, description, load };
}

/** True when an Ollama server answers `GET /api/tags` with 200 within `timeoutMs`. */
export async function detectOllama(
  baseUrl: string,
  timeoutMs = 500,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  try {
    const response = await fetchImpl(`${trimSlash(baseUrl)}/api/tags`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    // Refused, unreachable or too slow: all mean "no local Ollama", which is a normal answer here.
    return false;
  }
}

/**
 * createLlmClient, plus the zero-configuration path: with no key and no LLM_BACKEND, use a local
 * Ollama if one answers. Returns null when nothing is available (print `llmSetupHint`).
 */
export async function resolveLlmSetup(
  config: LlmConfig,
  log: Logger,
  deps: Omit<LlmDependencies, "log"> = {},
): Promise<LlmSetup | null> {
  let setup = createLlmClient(config, { ...deps, log });
  if (!setup) {
    if (!(await detectOllama(config.ollamaBaseUrl, 500, deps.fetch))) return null;
    log.info("no LLM key set; using the local Ollama", { url: config.ollamaBaseUrl });
    setup = createLlmClient({ ...config, backend: "ollama" }, { ...deps, log });
  }
  // The SDK is not imported here: app.ts calls `load()` once the gateway is ready, so start-up
  // does not wait for it (a turn that comes first awaits the same import).
  return setup;
}
