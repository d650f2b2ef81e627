/**
 * Reads at most `maxBytes` of a response body and then stops: the stream is cancelled, so a
 * huge or endless response costs the cap, not the whole download, and the model's context gets a
 * bounded amount of data. The bytes are returned raw: whether they are text, and in which
 * encoding, is decided afterwards (view-body.ts).
 */

export interface CappedBody {
  /** At most the cap. */
  bytes: Uint8Array;
  /** More data followed the cap and was not read. */
  truncated: boolean;
}

export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  signal: AbortSignal,
): Promise<CappedBody> {
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const cancel = (): void => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener("abort", cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = false;
  try {
    if (signal.aborted) throw signal.reason;
    while (true) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      const remaining = maxBytes - length;
      if (value.byteLength > remaining) {
        chunks.push(value.subarray(0, remaining));
        length += remaining;
        truncated = true;
        await reader.cancel().catch(() => {});
        break;
      }
      chunks.push(value);
      length += value.byteLength;
    }
  } finally {
    signal.removeEventListener("abort", cancel);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated };
}
