/**
 * HTTPS credential injection for the egress proxy. For a CONNECT to a host that has a mapped
 * credential, the proxy does not tunnel: it hands the job's connection to a local TLS endpoint
 * that presents a leaf certificate for that host, signed by the per-install CA (egress-ca.ts)
 * the job trusts. Each decrypted request is sent on to the real host — always the CONNECT
 * target, whatever the request's Host header says — over a fresh HTTPS connection with normal
 * certificate checks, with the credential added by the host's injector; the answer goes back
 * as it came (no decompression). Each request is recorded with the credential's name.
 * One endpoint per host name, on 127.0.0.1, made on first use.
 */
import { connect, type Socket } from "node:net";
import type { Logger } from "../log.ts";
import type { EgressCa } from "./egress-ca.ts";

export interface InterceptTarget {
  jobId: string;
  host: string;
  port: number;
}

export interface InterceptedRequest extends InterceptTarget {
  method: string;
  bytesUp: number;
  bytesDown: number;
  credential?: string;
  status?: number;
}

export interface TlsInterceptorOptions {
  ca: EgressCa;
  log: Logger;
  inject: (url: URL) => Promise<{ name: string; headers: Record<string, string> } | undefined>;
  onRequest: (request: InterceptedRequest) => void;
  /** Extra CA certificates trusted on the upstream side (tests' own CA); default the system's. */
  upstreamCa?: string | string[];
}

export interface TlsInterceptor {
  /** A connection to the endpoint for `target.host`; the caller pipes the job's bytes into it. */
  connect(target: InterceptTarget): Promise<Socket>;
  close(): Promise<void>;
}

const hopByHop = /^(connection|keep-alive|proxy-[a-z-]+|te|trailer|transfer-encoding|upgrade|host)$/i;

export function createTlsInterceptor(options: TlsInterceptorOptions): TlsInterceptor {
  const servers = new Map<string, Promise<ReturnType<typeof Bun.serve>>>();
  /** Which job and target a local connection belongs to, by its client-side port. */
  const targets = new Map<number, InterceptTarget>();

  const forward = async (request: Request, target: InterceptTarget): Promise<Response> => {
    const incoming = new URL(request.url);
    const url = new URL(`https://${target.host}:${target.port}${incoming.pathname}${incoming.search}`);
    const headers = new Headers();
    for (const [name, value] of request.headers) if (!hopByHop.test(name)) headers.set(name, value);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const record: InterceptedRequest = {
      ...target,
      method: request.method,
      bytesUp: body?.byteLength ?? 0,
      bytesDown: 0,
    };
    try {
      const injected = await options.inject(url).catch((error: unknown) => {
        options.log.warn("egress credential not added", { jobId: target.jobId, host: target.host, error });
        return undefined;
      });
      if (injected) {
        record.credential = injected.name;
        for (const [name, value] of Object.entries(injected.headers)) headers.set(name, value);
      }
      const upstream = await fetch(url, {
        method: request.method,
        headers,
        body,
        redirect: "manual",
        decompress: false,
        ...(options.upstreamCa ? { tls: { ca: options.upstreamCa } } : {}),
      } as RequestInit);
      const answer = await upstream.arrayBuffer();
      record.bytesDown = answer.byteLength;
      record.status = upstream.status;
      return new Response(answer, { status: upstream.status, headers: upstream.headers });
    } catch (error) {
      options.log.warn("egress https upstream failed", { jobId: target.jobId, host: target.host, error });
      record.status = 502;
      return new Response(`cannot reach ${target.host}:${target.port}\n`, { status: 502 });
    } finally {
      options.onRequest(record);
    }
  };

  const endpointFor = (host: string) => {
    let server = servers.get(host);
    if (!server) {
      server = options.ca.leafFor(host).then((leaf) =>
        Bun.serve({
          hostname: "127.0.0.1",
          port: 0,
          tls: { key: leaf.privateKey, cert: leaf.certificate },
          fetch(request, self) {
            const target = targets.get(self.requestIP(request)?.port ?? -1);
            if (!target) return new Response("unknown connection\n", { status: 421 });
            return forward(request, target);
          },
        }),
      );
      servers.set(host, server);
    }
    return server;
  };

  return {
    async connect(target) {
      const server = await endpointFor(target.host.toLowerCase());
      const socket = connect({ host: "127.0.0.1", port: server.port as number });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      });
      const localPort = socket.localPort as number;
      targets.set(localPort, target);
      socket.once("close", () => targets.delete(localPort));
      return socket;
    },
    async close() {
      for (const server of servers.values()) (await server.catch(() => undefined))?.stop(true);
      servers.clear();
    },
  };
}
