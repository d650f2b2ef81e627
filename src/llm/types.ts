/**
 * The one internal shape every LLM provider is normalized to. The agent loop only ever sees
 * these types; OpenAI, Anthropic and OpenAI-compatible servers are adapted in their own files.
 */

/** A tool call requested by the model. `arguments` is the raw JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string; isError?: boolean };

/** A tool offered to the model: JSON-schema parameters (an object schema). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
  signal?: AbortSignal;
  /** When given, the provider streams and calls this with each text fragment as it arrives. */
  onTextDelta?: (text: string) => void;
  /**
   * Names the conversation for the provider's prompt cache (OpenAI `prompt_cache_key`): requests
   * with the same key share a cached prefix. Stable per conversation; never a secret.
   */
  cacheKey?: string;
}

export interface TokenUsage {
  /** Every prompt token, cached ones included (Anthropic reports them apart; they are added). */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's cache (billed at a fraction). */
  cacheReadTokens?: number;
  /** Prompt tokens written to the provider's cache by this call (Anthropic). */
  cacheWriteTokens?: number;
}

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  finishReason: "stop" | "tool_calls" | "length" | "other";
  usage: TokenUsage;
  /** The provider that answered, e.g. "openai", "anthropic", "ollama". */
  provider: string;
  model: string;
  latencyMs: number;
  /** True when served from the response cache (no network call was made). */
  cached?: boolean;
}

/** Anything that answers chat requests: a single provider, or the resilient chain around several. */
export interface LlmClient {
  /** Short label for logs and the turn record, e.g. "openai:gpt-4o-mini". */
  readonly label: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
}
