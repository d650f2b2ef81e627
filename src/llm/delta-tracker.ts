/**
 * Remembers whether a request already streamed text to its caller. Retry and failover both need
 * this: once deltas reached the owner's chat, sending the request again would show the start of
 * the answer twice (and a different model would continue someone else's sentence), so after the
 * first delta a failure is surfaced instead of being retried or failed over.
 */
import type { ChatRequest } from "./types.ts";

export interface TrackedRequest {
  request: ChatRequest;
  /** True once at least one text delta was passed on to the caller. */
  streamed(): boolean;
}

export function trackTextDeltas(request: ChatRequest): TrackedRequest {
  const onTextDelta = request.onTextDelta;
  if (!onTextDelta) return { request, streamed: () => false };
  let streamed = false;
  return {
    request: {
      ...request,
      onTextDelta: (text) => {
        streamed = true;
        onTextDelta(text);
      },
    },
    streamed: () => streamed,
  };
}
