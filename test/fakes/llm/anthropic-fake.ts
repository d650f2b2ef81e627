/**
 * A fake Anthropic messages API (`POST /v1/messages`): JSON replies, and SSE streams with the
 * real event sequence (message_start, content_block_start / _delta (text_delta,
 * input_json_delta) / _stop, message_delta, message_stop), plus Anthropic's error bodies.
 * Accepts the key as `x-api-key` or as `Authorization: Bearer` (the SDK may send either).
 *
 *   const fake = startAnthropicFake();        // fake.url is the SDK's baseURL
 *   fake.enqueue({ toolCalls: [{ id: "toolu_1", name: "clock", arguments: "{}" }] });
 */
import {
  acceptsKey,
  type FakeLlmServer,
  type FakeProtocol,
  type ScriptedReply,
  splitText,
  startScriptedServer,
} from "./scripted-server.ts";

function anthropicError(status: number, type: string, message: string) {
  return { status, body: { type: "error", error: { type, message } } };
}

function event(name: string, data: Record<string, unknown>): string {
  return `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
}

function usageOf(reply: ScriptedReply) {
  const usage = reply.usage ?? { inputTokens: 12, outputTokens: 6 };
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  // Anthropic reports cached prompt tokens beside input_tokens, which counts only the rest.
  return {
    input_tokens: usage.inputTokens - cacheRead - cacheWrite,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.outputTokens,
  };
}

function parsedInput(raw: string | undefined): unknown {
  try {
    return JSON.parse(raw ?? "{}");
  } catch {
    return raw;
  }
}

function toolUseBlock(call: NonNullable<ScriptedReply["toolCalls"]>[number], input: unknown) {
  return {
    type: "tool_use",
    ...(call.id === undefined ? {} : { id: call.id }),
    ...(call.name === undefined ? {} : { name: call.name }),
    input,
  };
}

function messageStart(body: Record<string, unknown>, reply: ScriptedReply): string {
  const message = {
    id: "msg_fake",
    type: "message",
    role: "assistant",
    model: body.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...usageOf(reply), output_tokens: 1 },
  };
  return event("message_start", { message });
}

const protocol = (apiKey: string): FakeProtocol => ({
  path: "/v1/messages",
  authorized: (headers) => acceptsKey(apiKey, headers, true),
  unauthorizedBody: anthropicError(401, "authentication_error", "invalid x-api-key").body,
  renderError(fault, presentedKey) {
    switch (fault.fault) {
      case "rate_limited": {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
        return {
          ...anthropicError(429, "rate_limit_error", "Number of requests has exceeded your rate limit"),
          headers,
        };
      }
      case "server_error":
        return anthropicError(529, "overloaded_error", "Overloaded");
      case "unauthorized":
        return anthropicError(
          401,
          "authentication_error",
          fault.echoKey ? `invalid x-api-key: ${presentedKey}` : "invalid x-api-key",
        );
      case "model_not_found":
        return anthropicError(404, "not_found_error", "model: claude-x");
      case "context_length_exceeded":
        return anthropicError(
          400,
          "invalid_request_error",
          "prompt is too long: 210000 tokens > 200000 maximum",
        );
      case "empty_queue":
        return anthropicError(500, "api_error", "fake: no scripted reply left");
    }
  },
  renderJson(reply, body) {
    const content: unknown[] = reply.text ? [{ type: "text", text: reply.text }] : [];
    for (const call of reply.toolCalls ?? []) content.push(toolUseBlock(call, parsedInput(call.arguments)));
    return {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason: reply.toolCalls?.length ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: usageOf(reply),
    };
  },
  renderStream(reply, body) {
    const frames = [messageStart(body, reply)];
    let index = 0;
    if (reply.text) {
      frames.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
      for (const piece of splitText(reply.text, reply.textChunkSize)) {
        frames.push(event("content_block_delta", { index, delta: { type: "text_delta", text: piece } }));
      }
      frames.push(event("content_block_stop", { index }));
      index += 1;
    }
    for (const call of reply.toolCalls ?? []) {
      frames.push(event("content_block_start", { index, content_block: toolUseBlock(call, {}) }));
      for (const piece of splitText(call.arguments ?? "")) {
        frames.push(
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }),
        );
      }
      frames.push(event("content_block_stop", { index }));
      index += 1;
    }
    const stopReason = reply.toolCalls?.length ? "tool_use" : "end_turn";
    frames.push(
      event("message_delta", {
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: usageOf(reply).output_tokens },
      }),
    );
    frames.push(event("message_stop", {}));
    return frames;
  },
  renderStreamStart(text, body) {
    return [
      messageStart(body, {}),
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }),
    ];
  },
  malformedStreamFrame: 'event: message_start\ndata: {"type": "message_start", "message": {\n\n',
});

export function startAnthropicFake(options: { apiKey?: string } = {}): FakeLlmServer {
  return startScriptedServer(protocol(options.apiKey ?? "test-key"));
}
