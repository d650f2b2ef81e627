/**
 * Logs every provider call (each attempt, below retry) at debug: which provider and model, the
 * token counts and the latency, or the error code when it failed. These lines are how the owner
 * finds out where time and tokens go, so they are written for every attempt, not once per turn.
 */
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export function withCallLog(client: LlmClient, log: Logger): LlmClient {
  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    try {
      const response = await client.chat(request);
      log.debug("llm call", {
        provider: response.provider,
        model: response.model,
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
        latencyMs: response.latencyMs,
        streamed: request.onTextDelta !== undefined,
      });
      return response;
    } catch (error) {
      log.debug("llm call failed", {
        client: client.label,
        code: error instanceof AppError ? error.code : "unknown",
        latencyMs: Math.round(performance.now() - started),
        error,
      });
      throw error;
    }
  }
  return { label: client.label, chat };
}
