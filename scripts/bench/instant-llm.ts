/** A zero-latency in-process LLM for benchmarks: answers `text` at once and shows each request to `onRequest`. */
import type { ChatRequest, LlmClient } from "../../src/llm/types.ts";

export function instantLlm(text: string, onRequest: (request: ChatRequest) => void = () => {}): LlmClient {
  return {
    label: "bench:instant",
    async chat(request: ChatRequest) {
      onRequest(request);
      request.onTextDelta?.(text);
      return {
        text,
        toolCalls: [],
        finishReason: "stop",
        usage: { inputTokens: 1, outputTokens: 1 },
        provider: "bench",
        model: "bench",
        latencyMs: 0,
      };
    },
  };
}
