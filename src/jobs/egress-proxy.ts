/**
 * The egress proxy: the only way out for a job under read-only or workspace-write (the
 * container has no network). Each job gets a folder the container reaches through a FIFO
 * bridge (egress-bridge.ts); each connection that arrives there is one proxy request:
 *   - `CONNECT host:port`: the host is checked against the allowlist *before* any connection is
 *     opened; allowed → `200` and the bytes are tunnelled untouched; refused → `403`.
 *   - a plain-HTTP request in absolute form (`GET http://host/path`): checked the same way, sent
 *     on in origin form with `Connection: close`; for hosts with a mapped credential the host
 *     adds it here (`inject`), so the container never holds it.
 * Every request is logged: job, host, method, bytes each way, allowed or denied, and the name of
 * the credential added (never its value).
 */
import { chmodSync, chownSync, mkdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { Logger } from "../log.ts";
import { createAllowlist } from "./egress-allowlist.ts";
import { createFifoBridge } from "./egress-bridge.ts";
import type { ProxySetup } from "./policies.ts";
import { sandboxUser } from "./sandbox-rootfs.ts";

export interface EgressRecord {
  jobId: string;
  method: string;
  host: string;
  port: number;
  allowed: boolean;
  bytesUp: number;
  bytesDown: number;
  credential?: string;
}

export interface EgressProxyOptions {
  /** Where the per-job folders are made (inside IRONCLAW_HOME). */
  socketRoot: string;
  allowHosts: readonly string[];
  log: Logger;
  /** Headers to add for a plain-HTTP request to `host` (a mapped credential), with its name. */
  inject?: (url: URL) => Promise<{ name: string; headers: Record<string, string> } | undefined>;
  /** Every request, once it ends (tests read them). */
  onRecord?: (record: EgressRecord) => void;
  /** The folder's owner inside the container (default the sandbox user when the host is root). */
  containerUid?: number;
}

export interface EgressProxy {
  open(jobId: string): Promise<{ setup: ProxySetup; close(): Promise<void> }>;
  /** Handles one client connection for `jobId` (the bridge calls it; tests may too). */
  handle(jobId: string, client: Duplex): void;
  close(): Promise<void>;
}

export const egressMountPath = "/run/ironclaw-egress";
export const egressPort = 3128;
const maxHeadBytes = 16 * 1024;

/** The in-container forwarder: busybox nc on loopback, one bridge script per connection. */
export const egressPrelude = [
  `(nc -ll -p ${egressPort} -e /bin/ironclaw-egress </dev/null >/dev/null 2>&1 &)`,
  `i=0; while [ $i -lt 100 ] && ! netstat -ltn 2>/dev/null | grep -q ':${egressPort} '; do usleep 20000; i=$((i+1)); done`,
].join("\n");

function readHead(client: Duplex): Promise<{ head: string; rest: Buffer } | undefined> {
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

export async function createEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const { log } = options;
  const allowed = createAllowlist(options.allowHosts);
  mkdirSync(options.socketRoot, { recursive: true, mode: 0o700 });
  const bridges = new Map<string, { close(): Promise<void> }>();

  const record = (entry: EgressRecord) => {
    log.info("egress", { ...entry });
    options.onRecord?.(entry);
  };

  const refuse = (client: Duplex, status: string, reason: string) => {
    client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${reason}\n`);
  };

  const tunnel = (client: Duplex, upstream: Socket, entry: EgressRecord, first?: Buffer) => {
    client.on("data", (chunk: Buffer) => {
      entry.bytesUp += chunk.length;
    });
    upstream.on("data", (chunk: Buffer) => {
      entry.bytesDown += chunk.length;
    });
    if (first && first.length > 0) {
      entry.bytesUp += first.length;
      upstream.write(first);
    }
    // A client that half-closes after its request (busybox wget does) must not half-close the
    // upstream: many servers drop a request whose client sent FIN before the answer.
    client.pipe(upstream, { end: false });
    upstream.pipe(client);
    let done = false;
    // Ending (not destroying) the client lets the writes still queued reach the container.
    const finish = (graceful: boolean) => {
      if (done) return;
      done = true;
      if (graceful) client.end();
      else client.destroy();
      upstream.destroy();
      record(entry);
    };
    upstream.on("close", () => finish(true));
    upstream.on("error", () => finish(false));
    client.on("close", () => finish(false));
    client.on("error", () => finish(false));
  };

  const handle = (jobId: string, client: Duplex): void => {
    void (async () => {
      const request = await readHead(client);
      if (!request) return refuse(client, "400 Bad Request", "not an HTTP proxy request");
      const [line = "", ...headerLines] = request.head.split("\r\n");
      const [method = "", target = ""] = line.split(" ");
      let host: string;
      let port: number;
      let path = "/";
      if (method === "CONNECT") {
        const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(target);
        if (!match) return refuse(client, "400 Bad Request", "CONNECT needs host:port");
        host = match[1] as string;
        port = Number(match[2]);
      } else {
        let url: URL;
        try {
          url = new URL(target);
        } catch {
          return refuse(client, "400 Bad Request", "use an absolute http:// URL through the proxy");
        }
        if (url.protocol !== "http:")
          return refuse(client, "400 Bad Request", "only http:// is proxied; use CONNECT for https");
        host = url.hostname.replace(/^\[|\]$/g, "");
        port = Number(url.port || 80);
        path = `${url.pathname}${url.search}`;
      }
      const entry: EgressRecord = {
        jobId,
        method,
        host,
        port,
        allowed: allowed(host),
        bytesUp: 0,
        bytesDown: 0,
      };
      if (!entry.allowed) {
        record(entry);
        return refuse(client, "403 Forbidden", `${host} is not on the jobs' egress allowlist`);
      }
      const upstream = connect({ host, port });
      upstream.once("error", (error) => {
        log.warn("egress upstream failed", { jobId, host, port, error });
        if (!client.destroyed) refuse(client, "502 Bad Gateway", `cannot reach ${host}:${port}`);
      });
      upstream.once("connect", async () => {
        if (method === "CONNECT") {
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          return tunnel(client, upstream, entry, request.rest);
        }
        const injected = await options.inject?.(new URL(target)).catch((error: unknown) => {
          log.warn("egress credential not added", { jobId, host, error });
          return undefined;
        });
        if (injected) entry.credential = injected.name;
        const replaced = new Set(Object.keys(injected?.headers ?? {}).map((name) => name.toLowerCase()));
        const kept = headerLines.filter((header) => {
          const name = header
            .slice(0, Math.max(header.indexOf(":"), 0))
            .trim()
            .toLowerCase();
          return !/^(proxy-[a-z-]+|connection|keep-alive)$/.test(name) && !replaced.has(name);
        });
        const added = Object.entries(injected?.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
        const head = [`${method} ${path} HTTP/1.1`, ...kept, ...added, "Connection: close", "", ""].join(
          "\r\n",
        );
        tunnel(client, upstream, entry, Buffer.concat([Buffer.from(head, "latin1"), request.rest]));
      });
    })().catch((error: unknown) => {
      log.warn("egress request failed", { jobId, error });
      client.destroy();
    });
  };

  return {
    handle,
    async open(jobId) {
      const hostDir = join(options.socketRoot, jobId);
      mkdirSync(hostDir, { recursive: true, mode: 0o700 });
      const uid = options.containerUid ?? (process.getuid?.() === 0 ? sandboxUser.uid : undefined);
      if (uid !== undefined) chownSync(hostDir, uid, uid);
      chmodSync(hostDir, 0o700);
      const bridge = createFifoBridge(hostDir, (client) => handle(jobId, client), log);
      bridges.set(jobId, bridge);
      const proxyUrl = `http://127.0.0.1:${egressPort}`;
      return {
        setup: {
          hostDir,
          mountPath: egressMountPath,
          environment: {
            HTTP_PROXY: proxyUrl,
            HTTPS_PROXY: proxyUrl,
            http_proxy: proxyUrl,
            https_proxy: proxyUrl,
            NO_PROXY: "localhost,127.0.0.1",
          },
          prelude: egressPrelude,
        },
        close: async () => {
          bridges.delete(jobId);
          await bridge.close();
          rmSync(hostDir, { recursive: true, force: true });
        },
      };
    },
    async close() {
      for (const bridge of bridges.values()) await bridge.close();
      bridges.clear();
    },
  };
}
