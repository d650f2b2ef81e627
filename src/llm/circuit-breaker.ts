/**
 * A circuit breaker per provider, so a provider that is down is skipped at once instead of
 * costing every turn a full round of retries and timeouts.
 *
 * closed ──5 consecutive transient failures──▶ open ──30 s──▶ half_open
 * half_open ──2 successful probes──▶ closed;  half_open ──a transient failure──▶ open (timer restarts)
 *
 * Only transient failures count: a rejected key or a too-long prompt says nothing about whether
 * the provider is up. While open, calls fail fast with llm_circuit_open (transient, so failover
 * moves on). In half-open one probe runs at a time; calls arriving meanwhile fail fast too, so a
 * recovering provider is not flooded.
 */
import { isLlmError, LlmError } from "./errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitBreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  probesToClose?: number;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
}

export interface CircuitBreakerClient extends LlmClient {
  circuitState(): CircuitState;
}

export function withCircuitBreaker(
  client: LlmClient,
  options: CircuitBreakerOptions = {},
): CircuitBreakerClient {
  const failureThreshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const probesToClose = options.probesToClose ?? 2;
  const now = options.now ?? Date.now;

  let state: CircuitState = "closed";
  let consecutiveFailures = 0;
  let openedAt = 0;
  let probeSuccesses = 0;
  let probeInFlight = false;

  function currentState(): CircuitState {
    if (state === "open" && now() - openedAt >= cooldownMs) {
      state = "half_open";
      probeSuccesses = 0;
    }
    return state;
  }

  function open(): void {
    state = "open";
    openedAt = now();
    consecutiveFailures = 0;
    probeSuccesses = 0;
  }

  function failFast(): LlmError {
    const [provider = client.label] = client.label.split(":");
    const retryAfterMs = state === "open" ? Math.max(0, openedAt + cooldownMs - now()) : undefined;
    return new LlmError(
      "llm_circuit_open",
      `The LLM provider ${client.label} is paused after repeated failures`,
      {
        provider,
        retryAfterMs,
      },
    );
  }

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const entered = currentState();
    if (entered === "open" || (entered === "half_open" && probeInFlight)) throw failFast();
    const probing = entered === "half_open";
    if (probing) probeInFlight = true;
    try {
      const response = await client.chat(request);
      if (probing) {
        probeSuccesses += 1;
        if (probeSuccesses >= probesToClose) state = "closed";
      }
      consecutiveFailures = 0;
      return response;
    } catch (error) {
      if (isLlmError(error) && error.transient) {
        if (probing) open();
        else if (state === "closed" && ++consecutiveFailures >= failureThreshold) open();
      }
      throw error;
    } finally {
      if (probing) probeInFlight = false;
    }
  }

  return { label: client.label, chat, circuitState: currentState };
}
