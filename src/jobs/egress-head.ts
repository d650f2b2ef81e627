/**
 * Reads an HTTP proxy request's head (request line and headers, at most 16 KB) from a job's
 * connection, keeping whatever followed it (a body, or the first bytes of a tunnel).
 */
import type { Duplex } from "node:stream";

const maxHeadBytes = 16 * 1024;

export function readHead(client: Duplex): Promise<{ head: string; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0) {
        cleanup();
        resolve({ head: buffered.subarray(0, end).toString("latin1"), rest: buffered.subarray(end + 4) });
      } else if (buffered.length > maxHeadBytes) {
        cleanup();
        resolve(undefined);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(undefined);
    };
    const cleanup = () => {
      client.off("data", onData);
      client.off("end", onEnd);
      client.off("error", onEnd);
    };
    client.on("data", onData);
    client.on("end", onEnd);
    client.on("error", onEnd);
  });
}
