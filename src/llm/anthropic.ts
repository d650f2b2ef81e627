/**
 * Anthropic messages API provider. Streams through the SDK's raw server-sent events
 * (message_start … message_stop) rather than its higher-level helper, so we see exactly which
 * events arrived and can tell a finished answer from a stream that was cut off.
 *
 * SDK retries are off (`maxRetries: 0`): our retry/breaker/failover wrappers own that policy.
 */
import Anthropic from "@anthropic-ai/sdk";
import type {
  MessageCreateParamsBase,
  RawMessageStreamEvent,
  Usage,
} from "@anthropic-ai/sdk/resources/messages";
import {
  fromAnthropicMessage,
  fromAnthropicUsage,
  mapStopReason,
  toAnthropicPrompt,
  toAnthropicTools,
  validateToolUse,
  withCacheBreakpoints,
} from "./anthropic-format.ts";
import { runWithDeadline } from "./deadline.ts";
import { LlmError } from "./errors.ts";
import type { ChatRequest, ChatResponse, LlmClient, ToolCall } from "./types.ts";

export interface AnthropicProviderOptions {
  apiKey: string;
  model: string;
  timeoutMs: number;
  baseUrl?: string;
  /** Anthropic requires max_tokens on every request; used when the request sets none. */
  defaultMaxTokens?: number;
  fetch?: typeof fetch;
}

const provider = "anthropic";

export function createAnthropicProvider(options: AnthropicProviderOptions): LlmClient {
  const { model, timeoutMs } = options;
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    // Explicit so the SDK never reads ANTHROPIC_BASE_URL (or credential files) on its own.
    baseURL: options.baseUrl ?? "https://api.anthropic.com",
    maxRetries: 0,
    timeout: timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    const prompt = toAnthropicPrompt(request.messages);
    const tools = request.tools?.length ? toAnthropicTools(request.tools) : undefined;
    const cacheable = request.cacheKey ? withCacheBreakpoints(prompt, tools) : { ...prompt, tools };
    const body: MessageCreateParamsBase = {
      model,
      max_tokens: request.maxTokens ?? options.defaultMaxTokens ?? 4096,
      messages: cacheable.messages,
      ...(cacheable.system === undefined ? {} : { system: cacheable.system }),
      ...(cacheable.tools ? { tools: cacheable.tools } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.stop?.length ? { stop_sequences: request.stop } : {}),
    };
    const fields = await runWithDeadline(
      { provider, model, timeoutMs, signal: request.signal, sdkErrors: Anthropic },
      async (signal) => {
        const onTextDelta = request.onTextDelta;
        if (!onTextDelta) {
          const message = await sdk.messages.create({ ...body, stream: false }, { signal });
          return fromAnthropicMessage(message, provider, model);
        }
        const stream = await sdk.messages.create({ ...body, stream: true }, { signal });
        return readStream(stream, onTextDelta, signal);
      },
    );
    return { ...fields, latencyMs: Math.round(performance.now() - started) };
  }

  async function readStream(
    stream: AsyncIterable<RawMessageStreamEvent>,
    onTextDelta: (text: string) => void,
    signal: AbortSignal,
  ): Promise<Omit<ChatResponse, "latencyMs">> {
    let text = "";
    let stopReason: string | null | undefined;
    let finished = false;
    let answeredModel = model;
    // message_start carries the prompt counts (cached ones apart), message_delta the output so far.
    const wireUsage: Partial<Usage> = {};
    // Blocks by index: tool_use blocks collect their input as raw JSON text fragments.
    const toolBlocks = new Map<number, { id?: unknown; name?: unknown; json: string }>();

    for await (const event of stream) {
      switch (event.type) {
        case "message_start":
          if (event.message?.model) answeredModel = event.message.model;
          Object.assign(wireUsage, event.message?.usage ?? {});
          break;
        case "content_block_start":
          if (event.content_block.type === "tool_use") {
            const block = event.content_block;
            toolBlocks.set(event.index, { id: block.id, name: block.name, json: "" });
          } else if (event.content_block.type === "text" && event.content_block.text) {
            text += event.content_block.text;
            onTextDelta(event.content_block.text);
          }
          break;
        case "content_block_delta":
          if (event.delta.type === "text_delta" && event.delta.text) {
            text += event.delta.text;
            onTextDelta(event.delta.text);
          } else if (event.delta.type === "input_json_delta") {
            const block = toolBlocks.get(event.index);
            if (block) block.json += event.delta.partial_json;
          }
          break;
        case "message_delta":
          stopReason = event.delta?.stop_reason ?? stopReason;
          for (const [field, value] of Object.entries(event.usage ?? {})) {
            if (typeof value === "number") Object.assign(wireUsage, { [field]: value });
          }
          break;
        case "message_stop":
          finished = true;
          break;
      }
    }
    signal.throwIfAborted();
    if (!finished) {
      throw new LlmError(
        "llm_request_failed",
        `The LLM stream ended before the answer was complete (${provider})`,
        {
          provider,
        },
      );
    }
    const toolCalls: ToolCall[] = [...toolBlocks.entries()]
      .sort(([left], [right]) => left - right)
      // A tool without parameters streams no input at all; "{}" is its empty argument object.
      .map(([, block]) => validateToolUse(block, block.json === "" ? "{}" : block.json, provider));
    return {
      text,
      toolCalls,
      finishReason: mapStopReason(stopReason, toolCalls.length > 0),
      usage: fromAnthropicUsage(wireUsage),
      provider,
      model: answeredModel,
    };
  }

  return { label: `${provider}:${model}`, chat };
}
