/**
 * Tries providers in order, [primary, ...fallbacks] (each already wrapped in retry and a circuit
 * breaker), and returns the first answer.
 *
 * Rules, in the order they are checked after a provider failed:
 * 1. The caller cancelled, or text already streamed to the caller → surface the error. Another
 *    provider would start the answer again from the top (see delta-tracker.ts).
 * 2. llm_auth_failed and llm_context_length_exceeded → surface at once. These are for the owner
 *    (fix the key) or the agent loop (compact the conversation) to act on; quietly answering
 *    from a fallback would hide a broken primary for ever, and a too-long prompt is usually too
 *    long for the next model as well.
 * 3. Everything else moves on to the next provider: transient failures left after retries, an
 *    open circuit, llm_model_not_available (another backend may well have its model) and
 *    requests a provider refused (a plain 4xx; a different API may accept them).
 * When every provider failed, the last error is thrown (each failure is logged on the way), with
 * `attempts` and `providers` counting every request of the whole chain for the owner's message.
 */
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { trackTextDeltas } from "./delta-tracker.ts";
import { isLlmError, type LlmError } from "./errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export interface FailoverOptions {
  log?: Logger;
}

const ownerActionCodes: ReadonlySet<string> = new Set(["llm_auth_failed", "llm_context_length_exceeded"]);

function shouldFailOver(error: unknown): error is LlmError {
  if (!isLlmError(error)) return false;
  return !ownerActionCodes.has(error.code);
}

export function createFailoverClient(
  clients: readonly LlmClient[],
  options: FailoverOptions = {},
): LlmClient {
  if (clients.length === 0)
    throw new AppError("llm_not_configured", "failover needs at least one LLM provider");
  if (clients.length === 1 && clients[0]) return clients[0];

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    let lastError: unknown;
    let attempts = 0;
    for (const [position, client] of clients.entries()) {
      const tracked = trackTextDeltas(request);
      try {
        return await client.chat(tracked.request);
      } catch (error) {
        lastError = error;
        if (tracked.streamed() || request.signal?.aborted || !shouldFailOver(error)) throw error;
        attempts += error.attempts;
        const next = clients[position + 1];
        options.log?.warn("llm provider failed", {
          client: client.label,
          error,
          ...(next ? { next: next.label } : {}),
        });
      }
    }
    if (isLlmError(lastError)) {
      lastError.attempts = attempts;
      lastError.providers = clients.length;
    }
    throw lastError;
  }

  return { label: clients.map((client) => client.label).join(" > "), chat };
}
