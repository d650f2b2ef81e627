/**
 * An in-memory LlmClient that replays scripted results, for testing the wrappers (retry,
 * circuit breaker, failover, cache) without a network. It implements the real interface; each
 * step is either a reply (text, optional streamed deltas) or an error to throw.
 *
 *   const client = createScriptedClient("openai:m", [transientError(), { text: "hi" }]);
 */
import { LlmError, type LlmErrorCode } from "../../../src/llm/errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "../../../src/llm/types.ts";

export type ScriptedStep =
  | { text: string; deltas?: string[] }
  /** Streams `deltas` to the caller, then fails with `error`. */
  | { deltas: string[]; error: Error }
  | Error;

export interface ScriptedClient extends LlmClient {
  calls: ChatRequest[];
  /** Steps still queued. */
  remaining(): number;
  push(...steps: ScriptedStep[]): void;
}

export function llmError(
  code: LlmErrorCode,
  extra: { retryAfterMs?: number; provider?: string } = {},
): LlmError {
  return new LlmError(code, `scripted ${code}`, { provider: extra.provider ?? "scripted", ...extra });
}

export function createScriptedClient(label: string, steps: ScriptedStep[] = []): ScriptedClient {
  const queue = [...steps];
  const calls: ChatRequest[] = [];
  const [provider = label, model = label] = label.split(":");

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    calls.push(request);
    const step = queue.shift();
    if (!step) throw new Error(`scripted client ${label}: no step left`);
    if (step instanceof Error) throw step;
    for (const delta of step.deltas ?? []) request.onTextDelta?.(delta);
    if ("error" in step) throw step.error;
    return {
      text: step.text,
      toolCalls: [],
      finishReason: "stop",
      usage: { inputTokens: 1, outputTokens: 1 },
      provider,
      model,
      latencyMs: 1,
    };
  }

  return {
    label,
    chat,
    calls,
    remaining: () => queue.length,
    push: (...more) => {
      queue.push(...more);
    },
  };
}
