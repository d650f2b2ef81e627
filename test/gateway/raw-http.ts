/**
 * A raw TCP client for the gateway, for what fetch hides: a kept-alive connection sitting idle
 * (does the server close it?), and a chunked body without Content-Length written byte by byte.
 */
import { connect, type Socket } from "node:net";
import { until } from "./harness.ts";

export interface RawConnection {
  socket: Socket;
  write(text: string): void;
  received(): string;
  /** Resolves once what was received matches. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

export async function openRawConnection(baseUrl: string): Promise<RawConnection> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  let received = "";
  let closed = false;
  socket.setEncoding("utf8");
  // Reading keeps the socket flowing, so the server's close is seen as soon as it happens.
  socket.on("data", (chunk: string) => {
    received += chunk;
  });
  socket.on("error", () => {});
  const closedPromise = new Promise<void>((resolve) =>
    socket.once("close", () => {
      closed = true;
      resolve();
    }),
  );
  return {
    socket,
    write: (text) => socket.write(text),
    received: () => received,
    waitFor: (pattern) => until(() => pattern.test(received)),
    closed: closedPromise,
    isClosed: () => closed,
    destroy: () => socket.destroy(),
  };
}

/** A request line and headers (HTTP/1.1, keep-alive), optionally with a body as given. */
export function rawRequest(method: string, path: string, headers: Record<string, string>, body = ""): string {
  const lines = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** The JSON body of the first complete response in `text` (Content-Length framed). */
export function firstJsonBody(text: string): unknown {
  const [head = "", rest = ""] = text.split("\r\n\r\n", 2);
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? rest.length);
  return JSON.parse(rest.slice(0, length));
}
