/**
 * OpenAI chat.completions provider. The same code serves OpenAI, a local Ollama (its `/v1`
 * endpoint speaks this protocol) and any OpenAI-compatible server (vLLM, OpenRouter, …); only
 * the base URL, the key and the `name` in logs and errors differ.
 *
 * The SDK's own retries are off (`maxRetries: 0`): retry, circuit breaking and failover live in
 * our wrappers, and two layers of retry would multiply the wait.
 */
import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import { runWithDeadline } from "./deadline.ts";
import { LlmError } from "./errors.ts";
import {
  fromOpenAiCompletion,
  fromOpenAiUsage,
  mapFinishReason,
  toOpenAiMessages,
  toOpenAiTools,
  validateToolCall,
} from "./openai-format.ts";
import type { ChatRequest, ChatResponse, LlmClient, TokenUsage } from "./types.ts";

export type OpenAiProviderName = "openai" | "ollama" | "openai_compatible";

export interface OpenAiProviderOptions {
  name: OpenAiProviderName;
  model: string;
  timeoutMs: number;
  apiKey?: string;
  /** For Ollama pass `${OLLAMA_BASE_URL}/v1`. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export function createOpenAiProvider(options: OpenAiProviderOptions): LlmClient {
  const { name, model, timeoutMs } = options;
  const sdk = new OpenAI({
    // Ollama and many compatible servers ignore the key, but the SDK refuses to start without one.
    apiKey: options.apiKey ?? (name === "ollama" ? "ollama" : "not-needed"),
    // Explicit so the SDK never falls back to reading OPENAI_BASE_URL from the environment itself.
    baseURL: options.baseUrl ?? "https://api.openai.com/v1",
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    const body: ChatCompletionCreateParamsBase = {
      model,
      messages: toOpenAiMessages(request.messages),
      ...(request.tools?.length ? { tools: toOpenAiTools(request.tools) } : {}),
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.stop?.length ? { stop: request.stop } : {}),
      // OpenAI's own field; compatible servers (Ollama, vLLM, …) cache by prefix without it.
      ...(request.cacheKey && name === "openai" ? { prompt_cache_key: request.cacheKey } : {}),
    };
    const fields = await runWithDeadline(
      { provider: name, model, timeoutMs, signal: request.signal, sdkErrors: OpenAI },
      async (signal) => {
        const onTextDelta = request.onTextDelta;
        if (!onTextDelta) {
          const completion = await sdk.chat.completions.create({ ...body, stream: false }, { signal });
          return fromOpenAiCompletion(completion, name, model);
        }
        const stream = await sdk.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } },
          { signal },
        );
        return readStream(stream, onTextDelta, signal);
      },
    );
    return { ...fields, latencyMs: Math.round(performance.now() - started) };
  }

  async function readStream(
    stream: AsyncIterable<ChatCompletionChunk>,
    onTextDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<Omit<ChatResponse, "latencyMs">> {
    let text = "";
    let finishReason: string | null | undefined;
    let answeredModel = model;
    let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    // Tool calls arrive as fragments keyed by `index`: the first carries id and name, later
    // ones append to `arguments`.
    const partialCalls = new Map<
      number,
      { id?: string; type?: string; function: { name?: string; arguments: string } }
    >();

    for await (const chunk of stream) {
      if (chunk.model) answeredModel = chunk.model;
      if (chunk.usage) usage = fromOpenAiUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const content = choice.delta?.content;
      if (typeof content === "string" && content !== "") {
        text += content;
        onTextDelta(content);
      }
      for (const fragment of choice.delta?.tool_calls ?? []) {
        const entry = partialCalls.get(fragment.index) ?? { function: { arguments: "" } };
        if (fragment.id) entry.id = fragment.id;
        if (fragment.type) entry.type = fragment.type;
        if (fragment.function?.name && !entry.function.name) entry.function.name = fragment.function.name;
        if (fragment.function?.arguments) entry.function.arguments += fragment.function.arguments;
        partialCalls.set(fragment.index, entry);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    signal.throwIfAborted();
    if (!finishReason) {
      throw new LlmError(
        "llm_request_failed",
        `The LLM stream ended before the answer was complete (${name})`,
        {
          provider: name,
        },
      );
    }
    const toolCalls = [...partialCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => validateToolCall(call, name));
    return {
      text,
      toolCalls,
      finishReason: mapFinishReason(finishReason, toolCalls.length > 0),
      usage,
      provider: name,
      model: answeredModel,
    };
  }

  return { label: `${name}:${model}`, chat };
}
