/**
 * The egress proxy: the only way out for a job under read-only or workspace-write (the
 * container has no network). Each job gets a Unix socket (0600, in IRONCLAW_HOME); a forwarder
 * inside the container's network namespace (egress-netns.ts) listens on the container's
 * loopback at `egressPort` and hands each connection to that socket, so the socket a connection
 * arrives on says which job made it. Each connection is one proxy request:
 *   - `CONNECT host:port`: the host is checked against the allowlist *before* any connection is
 *     opened; allowed → `200` and the bytes are tunnelled untouched; refused → `403`.
 *   - a request in absolute form (`GET http://host/path`, or `https://` — sent on over TLS with
 *     the real host's certificate checked): checked the same way, sent on in origin form with
 *     `Connection: close`; for hosts with a mapped credential the host
 *     adds it here (`inject`), so the container never holds it.
 *   - `CONNECT` to a host with a mapped credential, when `interception` is set: the TLS is
 *     opened by the proxy with the per-install CA (egress-intercept.ts) and the credential is
 *     added to each request; every other allowed host is tunnelled untouched.
 * Every request is logged: job, host, method, bytes each way, allowed or denied, and the name of
 * the credential added (never its value).
 */
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { connect, createServer, isIP, type Socket } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { Logger } from "../log.ts";
import { createAllowlist } from "./egress-allowlist.ts";
import type { EgressCa } from "./egress-ca.ts";
import { caBundleOf, caEnvironment } from "./egress-ca-bundle.ts";
import { readHead } from "./egress-head.ts";
import { createTlsInterceptor, type TlsInterceptor } from "./egress-intercept.ts";
import { startNamespaceForwarder } from "./egress-netns.ts";
import type { ProxySetup } from "./policies.ts";

export interface EgressRecord {
  jobId: string;
  method: string;
  host: string;
  port: number;
  allowed: boolean;
  bytesUp: number;
  bytesDown: number;
  credential?: string;
  /** A CONNECT whose TLS the proxy opened to add a credential (its requests are recorded too). */
  intercepted?: boolean;
}

export interface EgressInterception {
  ca: EgressCa;
  /** Whether `host` has a mapped credential (its HTTPS is opened; others are tunnelled). */
  interceptHost(host: string): boolean | Promise<boolean>;
  /** Extra CA certificates trusted towards the real hosts (tests); default the system's. */
  upstreamCa?: string | string[];
}

export interface EgressProxyOptions {
  /** Where the per-job sockets are made (inside IRONCLAW_HOME). */
  socketRoot: string;
  allowHosts: readonly string[];
  log: Logger;
  /** Headers to add for a plain-HTTP request to `host` (a mapped credential), with its name. */
  inject?: (url: URL) => Promise<{ name: string; headers: Record<string, string> } | undefined>;
  /** HTTPS credential injection for mapped hosts (needs `inject`). */
  interception?: EgressInterception;
  /** Every request, once it ends (tests read them). */
  onRecord?: (record: EgressRecord) => void;
}

export interface JobEgress {
  setup: ProxySetup;
  /** Connects the running container (its first process id) to this job's socket. */
  attach(containerPid: number): Promise<void>;
  close(): Promise<void>;
}

export interface EgressProxy {
  open(jobId: string): Promise<JobEgress>;
  /** Handles one client connection for `jobId` (the job's socket calls it; tests may too). */
  handle(jobId: string, client: Duplex): void;
  close(): Promise<void>;
}

export const egressPort = 3128;
/** Before the job's command: wait (at most 10 s) until the host's forwarder listens. */
export const egressPrelude = `i=0; while [ $i -lt 500 ] && ! netstat -ltn 2>/dev/null | grep -q ':${egressPort} '; do usleep 20000; i=$((i+1)); done`;

export async function createEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const { log } = options;
  const allowed = createAllowlist(options.allowHosts);
  mkdirSync(options.socketRoot, { recursive: true, mode: 0o700 });
  const jobs = new Map<string, JobEgress>();
  const { interception, inject } = options;
  const interceptor: TlsInterceptor | undefined =
    interception && inject
      ? createTlsInterceptor({
          ca: interception.ca,
          log,
          inject,
          upstreamCa: interception.upstreamCa,
          onRequest: (request) => record({ ...request, allowed: true }),
        })
      : undefined;

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
        if (url.protocol !== "http:" && url.protocol !== "https:")
          return refuse(client, "400 Bad Request", "only http:// and https:// are proxied");
        host = url.hostname.replace(/^\[|\]$/g, "");
        port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
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
      if (method === "CONNECT" && interceptor && (await interception?.interceptHost(host))) {
        const local = await interceptor.connect({ jobId, host, port });
        entry.intercepted = true;
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        return tunnel(client, local, entry, request.rest);
      }
      // `GET https://…` in absolute form (busybox wget sends this through a proxy): the hop to the
      // proxy stays inside the host; the proxy speaks TLS to the real host, certificate checked.
      const secure = method !== "CONNECT" && target.startsWith("https:");
      const upstream = secure
        ? tlsConnect({
            host,
            port,
            ...(isIP(host) ? {} : { servername: host }),
            ...(interception?.upstreamCa ? { ca: interception.upstreamCa } : {}),
          })
        : connect({ host, port });
      upstream.once("error", (error) => {
        log.warn("egress upstream failed", { jobId, host, port, error });
        if (!client.destroyed) refuse(client, "502 Bad Gateway", `cannot reach ${host}:${port}`);
      });
      upstream.once(secure ? "secureConnect" : "connect", async () => {
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
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(jobId)) throw new Error(`invalid job id for egress: ${jobId}`);
      const socketPath = join(options.socketRoot, `${jobId}.sock`);
      rmSync(socketPath, { force: true });
      const server = createServer({ allowHalfOpen: true }, (client) => handle(jobId, client));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(socketPath, () => resolve());
      });
      chmodSync(socketPath, 0o600);
      let forwarder: { close(): Promise<void> } | undefined;
      const proxyUrl = `http://127.0.0.1:${egressPort}`;
      const bundle = interception ? caBundleOf(interception.ca) : undefined;
      const egress: JobEgress = {
        setup: {
          environment: {
            HTTP_PROXY: proxyUrl,
            HTTPS_PROXY: proxyUrl,
            http_proxy: proxyUrl,
            https_proxy: proxyUrl,
            ...(bundle ? caEnvironment : {}),
          },
          prelude: egressPrelude,
          ...(bundle ? { caBundlePath: bundle } : {}),
        },
        attach: async (containerPid) => {
          forwarder = await startNamespaceForwarder({ containerPid, socketPath, port: egressPort });
        },
        close: async () => {
          jobs.delete(jobId);
          await forwarder?.close();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          rmSync(socketPath, { force: true });
        },
      };
      jobs.set(jobId, egress);
      return egress;
    },
    async close() {
      for (const egress of [...jobs.values()]) await egress.close();
      await interceptor?.close();
    },
  };
}
