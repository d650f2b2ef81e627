/**
 * A fake OpenAI chat.completions server (`POST /v1/chat/completions`), JSON and SSE streaming
 * (`data: {chunk}` frames, then `data: [DONE]`), with the error bodies OpenAI really sends.
 * Serves Ollama's and other compatible servers' `/v1` endpoints as well, and answers
 * `GET /api/tags` (Ollama's model list) so detection can be tested against it.
 *
 *   const fake = startOpenAiFake();           // fake.url + "/v1" is the SDK's baseURL
 *   fake.enqueue({ text: "Hello" }, { fault: "rate_limited", retryAfter: "2" });
 */
import {
  acceptsKey,
  type FakeLlmServer,
  type FakeProtocol,
  type ScriptedReply,
  splitText,
  startScriptedServer,
} from "./scripted-server.ts";

export interface OpenAiFakeOptions {
  /** Expected bearer key; null accepts any request (Ollama needs no key). */
  apiKey?: string | null;
}

function openAiError(status: number, message: string, type: string, code: string | null) {
  return { status, body: { error: { message, type, param: null, code } } };
}

function toolCallsOf(reply: ScriptedReply) {
  return (reply.toolCalls ?? []).map((call, index) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    type: "function",
    function: { ...(call.name === undefined ? {} : { name: call.name }), arguments: call.arguments ?? "{}" },
    index,
  }));
}

function usageOf(reply: ScriptedReply) {
  const usage = reply.usage ?? { inputTokens: 10, outputTokens: 5 };
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    // OpenAI counts cached tokens inside prompt_tokens and always sends the details.
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0, audio_tokens: 0 },
  };
}

function chunk(model: unknown, delta: Record<string, unknown>, finishReason: string | null) {
  const frame = {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(frame)}\n\n`;
}

const protocol = (apiKey: string | null): FakeProtocol => ({
  path: "/v1/chat/completions",
  authorized: (headers) => apiKey === null || acceptsKey(apiKey, headers, false),
  unauthorizedBody: openAiError(
    401,
    "Incorrect API key provided.",
    "invalid_request_error",
    "invalid_api_key",
  ).body,
  renderError(fault, presentedKey) {
    switch (fault.fault) {
      case "rate_limited": {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
        return {
          ...openAiError(429, "Rate limit reached for requests", "requests", "rate_limit_exceeded"),
          headers,
        };
      }
      case "server_error":
        return openAiError(
          500,
          "The server had an error while processing your request.",
          "server_error",
          null,
        );
      case "unauthorized": {
        const message = fault.echoKey
          ? `Incorrect API key provided: ${presentedKey}.`
          : "Incorrect API key provided.";
        return openAiError(401, message, "invalid_request_error", "invalid_api_key");
      }
      case "model_not_found":
        return openAiError(
          404,
          "The model `gpt-x` does not exist.",
          "invalid_request_error",
          "model_not_found",
        );
      case "context_length_exceeded":
        return openAiError(
          400,
          "This model's maximum context length is 8192 tokens. Please reduce the length of the messages.",
          "invalid_request_error",
          "context_length_exceeded",
        );
      case "empty_queue":
        return openAiError(500, "fake: no scripted reply left", "server_error", null);
    }
  },
  renderJson(reply, body) {
    const toolCalls = toolCallsOf(reply).map(({ index: _index, ...call }) => call);
    return {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 1_700_000_000,
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: reply.text ?? null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: toolCalls.length ? "tool_calls" : "stop",
        },
      ],
      usage: usageOf(reply),
    };
  },
  renderStream(reply, body) {
    const frames = [chunk(body.model, { role: "assistant", content: "" }, null)];
    for (const piece of splitText(reply.text ?? "", reply.textChunkSize))
      frames.push(chunk(body.model, { content: piece }, null));
    // Like OpenAI: the first fragment of a call has id, type and name; arguments follow in pieces.
    for (const call of toolCallsOf(reply)) {
      const { arguments: args, ...head } = call.function;
      frames.push(
        chunk(body.model, { tool_calls: [{ ...call, function: { ...head, arguments: "" } }] }, null),
      );
      for (const piece of splitText(args)) {
        frames.push(
          chunk(body.model, { tool_calls: [{ index: call.index, function: { arguments: piece } }] }, null),
        );
      }
    }
    frames.push(chunk(body.model, {}, reply.toolCalls?.length ? "tool_calls" : "stop"));
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) {
      const usage = { id: "chatcmpl-fake", object: "chat.completion.chunk", model: body.model, choices: [] };
      frames.push(`data: ${JSON.stringify({ ...usage, usage: usageOf(reply) })}\n\n`);
    }
    frames.push("data: [DONE]\n\n");
    return frames;
  },
  renderStreamStart(text, body) {
    return [
      chunk(body.model, { role: "assistant", content: "" }, null),
      chunk(body.model, { content: text }, null),
    ];
  },
  malformedStreamFrame: 'data: {"id": "chatcmpl-fake", "choices": [\n\n',
  getRoutes: { "/api/tags": { models: [{ name: "llama3.2:latest", model: "llama3.2:latest" }] } },
});

export function startOpenAiFake(options: OpenAiFakeOptions = {}): FakeLlmServer {
  return startScriptedServer(protocol(options.apiKey === undefined ? "test-key" : options.apiKey));
}
