/**
 * Translation between our normalized chat shape and OpenAI's chat.completions wire shape, both
 * ways. Kept apart from the transport so the mapping rules sit in one readable place.
 *
 * Validation contract: a reply without choices, or a tool call without an id or a name, is an
 * llm_invalid_response (transient: a resend usually produces a well-formed reply). Tool-call
 * `arguments` stay raw text; the agent loop parses them and reports bad JSON to the model.
 */
import type {
  ChatCompletion,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { LlmError } from "./errors.ts";
import type { ChatMessage, ChatResponse, TokenUsage, ToolCall, ToolSpec } from "./types.ts";

export function toOpenAiMessages(messages: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map(toOpenAiMessage);
}

function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: message.content };
    case "assistant": {
      const toolCalls = message.toolCalls ?? [];
      if (toolCalls.length === 0) return { role: "assistant", content: message.content };
      return {
        role: "assistant",
        // OpenAI wants null rather than "" next to tool calls.
        content: message.content === "" ? null : message.content,
        tool_calls: toolCalls.map((call) => ({
          id: call.id,
          type: "function" as const,
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case "tool":
      // Chat completions has no error flag on tool results; the agent loop already words
      // failures for the model, so the content alone carries it.
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

export function toOpenAiTools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export function mapFinishReason(
  reason: string | null | undefined,
  hasToolCalls: boolean,
): ChatResponse["finishReason"] {
  // Some compatible servers (Ollama among them) say "stop" next to tool calls; what the agent
  // loop needs to know is that there are calls to run.
  if (hasToolCalls) return "tool_calls";
  if (reason === "stop") return "stop";
  if (reason === "length") return "length";
  if (reason === "tool_calls") return "tool_calls";
  return "other";
}

/** Checks one tool call as it came off the wire (either a whole reply or accumulated fragments). */
export function validateToolCall(raw: unknown, provider: string): ToolCall {
  const call = raw as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
  const id = call?.id;
  const name = call?.function?.name;
  const args = call?.function?.arguments ?? "";
  if (
    typeof id !== "string" ||
    id === "" ||
    typeof name !== "string" ||
    name === "" ||
    typeof args !== "string"
  ) {
    throw new LlmError("llm_invalid_response", `The LLM sent a malformed tool call (${provider})`, {
      provider,
      context: { toolCall: JSON.stringify(raw)?.slice(0, 500) },
    });
  }
  return { id, name, arguments: args };
}

/**
 * OpenAI counts cached tokens inside `prompt_tokens` and says how many in
 * `prompt_tokens_details.cached_tokens`; compatible servers often send no details at all.
 */
export function fromOpenAiUsage(usage: CompletionUsage | null | undefined): TokenUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    ...(typeof cached === "number" && cached > 0 ? { cacheReadTokens: cached } : {}),
  };
}

type ResponseFields = Omit<ChatResponse, "latencyMs">;

export function fromOpenAiCompletion(
  completion: ChatCompletion,
  provider: string,
  model: string,
): ResponseFields {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (!choice?.message) {
    throw new LlmError("llm_invalid_response", `The LLM reply had no choices (${provider})`, { provider });
  }
  const rawCalls: unknown = choice.message.tool_calls ?? [];
  if (!Array.isArray(rawCalls)) {
    throw new LlmError("llm_invalid_response", `The LLM reply had malformed tool calls (${provider})`, {
      provider,
    });
  }
  const toolCalls = rawCalls.map((call) => validateToolCall(call, provider));
  const content: unknown = choice.message.content;
  return {
    text: typeof content === "string" ? content : "",
    toolCalls,
    finishReason: mapFinishReason(choice.finish_reason, toolCalls.length > 0),
    usage: fromOpenAiUsage(completion.usage),
    provider,
    model: typeof completion.model === "string" && completion.model ? completion.model : model,
  };
}
