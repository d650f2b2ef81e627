/**
 * Reads at most `maxBytes` of a response body and then stops: the stream is cancelled, so a
 * huge or endless response costs the cap, not the whole download, and the model's context gets a
 * bounded amount of text. A multi-byte character cut by the cap is dropped rather than garbled.
 */

export interface CappedBody {
  text: string;
  /** Bytes kept (at most the cap). */
  bytes: number;
  /** More data followed the cap and was not read. */
  truncated: boolean;
}

export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  signal: AbortSignal,
): Promise<CappedBody> {
  if (body === null) return { text: "", bytes: 0, truncated: false };
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8");
  const cancel = (): void => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener("abort", cancel, { once: true });
  let text = "";
  let bytes = 0;
  let truncated = false;
  try {
    if (signal.aborted) throw signal.reason;
    while (true) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      const remaining = maxBytes - bytes;
      if (value.byteLength > remaining) {
        text += decoder.decode(value.subarray(0, remaining), { stream: true });
        bytes += remaining;
        truncated = true;
        await reader.cancel().catch(() => {});
        break;
      }
      text += decoder.decode(value, { stream: true });
      bytes += value.byteLength;
    }
  } finally {
    signal.removeEventListener("abort", cancel);
  }
  // Flushing would turn a character split by the cap into U+FFFD; only flush a complete body.
  if (!truncated) text += decoder.decode();
  return { text, bytes, truncated };
}
