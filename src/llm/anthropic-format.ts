/**
 * Translation between our normalized chat shape and Anthropic's messages API, both ways.
 *
 * Anthropic differs from OpenAI in three ways that matter here: the system prompt is a separate
 * field, tool calls and tool results are content blocks (`tool_use` on the assistant side,
 * `tool_result` inside a *user* message), and roles must alternate, so consecutive tool results
 * (and a user message right after them) are merged into one user message.
 */
import type {
  ContentBlockParam,
  Message,
  MessageParam,
  StopReason,
  TextBlockParam,
  Tool,
  Usage,
} from "@anthropic-ai/sdk/resources/messages";
import { LlmError } from "./errors.ts";
import type { ChatMessage, ChatResponse, TokenUsage, ToolCall, ToolSpec } from "./types.ts";

export interface AnthropicPrompt {
  system: string | undefined;
  messages: MessageParam[];
}

/** Tool input must be an object on the wire; arguments the model garbled earlier become `{}`. */
function parseToolInput(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function toAnthropicPrompt(messages: readonly ChatMessage[]): AnthropicPrompt {
  const systemParts: string[] = [];
  const result: MessageParam[] = [];
  const append = (role: "user" | "assistant", blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = result.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) {
      last.content.push(...blocks);
    } else {
      result.push({ role, content: blocks });
    }
  };

  for (const message of messages) {
    switch (message.role) {
      case "system":
        systemParts.push(message.content);
        break;
      case "user":
        append("user", message.content ? [{ type: "text", text: message.content }] : []);
        break;
      case "assistant": {
        const blocks: ContentBlockParam[] = message.content ? [{ type: "text", text: message.content }] : [];
        for (const call of message.toolCalls ?? []) {
          blocks.push({
            type: "tool_use",
            id: call.id,
            name: call.name,
            input: parseToolInput(call.arguments),
          });
        }
        append("assistant", blocks);
        break;
      }
      case "tool":
        append("user", [
          {
            type: "tool_result",
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError ? { is_error: true } : {}),
          },
        ]);
        break;
    }
  }
  return { system: systemParts.length ? systemParts.join("\n\n") : undefined, messages: result };
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: "object", ...tool.parameters } as Tool.InputSchema,
  }));
}

const ephemeral = { type: "ephemeral" } as const;

/**
 * Prompt-cache breakpoints for a request in a conversation (Anthropic caches a prefix only where
 * it is told to): one at the end of the system prompt, which covers the tools before it (or on
 * the last tool when there is no system prompt), and one on the last block of the conversation
 * so far, so the next turn reads everything before its new messages from the cache. Anthropic
 * looks back from a breakpoint for the longest cached prefix, so the marker moving from one
 * message to the next does not change what is matched. A cache write costs more than plain
 * input, so one-off requests (no cache key) get no breakpoints.
 */
export function withCacheBreakpoints(
  prompt: AnthropicPrompt,
  tools: Tool[] | undefined,
): { system: TextBlockParam[] | undefined; messages: MessageParam[]; tools: Tool[] | undefined } {
  const system: TextBlockParam[] | undefined =
    prompt.system === undefined
      ? undefined
      : [{ type: "text", text: prompt.system, cache_control: ephemeral }];
  const lastTool = tools?.at(-1);
  const markedTools =
    system === undefined && tools && lastTool
      ? [...tools.slice(0, -1), { ...lastTool, cache_control: ephemeral }]
      : tools;
  const messages = prompt.messages.map((message, index) => {
    if (index !== prompt.messages.length - 1 || !Array.isArray(message.content)) return message;
    const blocks = [...message.content];
    const last = blocks.at(-1);
    if (last && last.type !== "thinking" && last.type !== "redacted_thinking") {
      blocks[blocks.length - 1] = { ...last, cache_control: ephemeral };
    }
    return { ...message, content: blocks } as MessageParam;
  });
  return { system, messages, tools: markedTools };
}

export function mapStopReason(
  reason: StopReason | string | null | undefined,
  hasToolCalls: boolean,
): ChatResponse["finishReason"] {
  if (hasToolCalls || reason === "tool_use") return "tool_calls";
  if (reason === "end_turn" || reason === "stop_sequence") return "stop";
  if (reason === "max_tokens") return "length";
  return "other";
}

export function validateToolUse(
  block: { id?: unknown; name?: unknown },
  args: string,
  provider: string,
): ToolCall {
  if (
    typeof block.id !== "string" ||
    block.id === "" ||
    typeof block.name !== "string" ||
    block.name === ""
  ) {
    throw new LlmError("llm_invalid_response", `The LLM sent a malformed tool call (${provider})`, {
      provider,
      context: { toolCall: JSON.stringify(block)?.slice(0, 500) },
    });
  }
  return { id: block.id, name: block.name, arguments: args };
}

export function fromAnthropicMessage(
  message: Message,
  provider: string,
  model: string,
): Omit<ChatResponse, "latencyMs"> {
  if (!message || !Array.isArray(message.content)) {
    throw new LlmError("llm_invalid_response", `The LLM reply had no content (${provider})`, { provider });
  }
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    if (block.type === "tool_use")
      toolCalls.push(validateToolUse(block, JSON.stringify(block.input ?? {}), provider));
  }
  return {
    text,
    toolCalls,
    finishReason: mapStopReason(message.stop_reason, toolCalls.length > 0),
    usage: fromAnthropicUsage(message.usage),
    provider,
    model: typeof message.model === "string" && message.model ? message.model : model,
  };
}

/**
 * Anthropic reports cached prompt tokens beside `input_tokens`, not inside it; our usage counts
 * every prompt token in `inputTokens`, so the three are added.
 */
export function fromAnthropicUsage(usage: Partial<Usage> | null | undefined): TokenUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage?.output_tokens ?? 0,
    ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite > 0 ? { cacheWriteTokens: cacheWrite } : {}),
  };
}
