/**
 * The two engine calls every start makes — `GET /version` to detect the engine and
 * `GET /containers/json` to reconcile jobs after a restart — sent with Bun's own fetch (over the
 * unix socket or TCP), so a start that runs no job never loads dockerode: with its gRPC, protobuf
 * and SSH dependencies it is ~35 MB of resident memory (scripts/bench/memory.ts), more than the
 * rest of an idle assistant on PostgreSQL. Everything else goes through dockerode, loaded on first
 * use (`lazyDocker`).
 */
import { createRequire } from "node:module";
import type Docker from "dockerode";

export interface EngineTarget {
  /** Where it was reached, e.g. unix:///run/podman/podman.sock. */
  address: string;
  options: Docker.DockerOptions;
}

/** The engine answered with a non-2xx status: `statusCode` as dockerode reports it. */
export class EngineApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = "EngineApiError";
  }
}

/** GET `path` from the engine and parse its JSON answer. */
export async function engineGet<T>(target: EngineTarget, path: string, timeoutMs: number): Promise<T> {
  const { socketPath, protocol, host, port } = target.options;
  const url = socketPath ? `http://engine${path}` : `${protocol ?? "http"}://${host}:${port}${path}`;
  const response = await fetch(url, {
    ...(socketPath ? { unix: socketPath } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  if (!response.ok) {
    const message = (() => {
      try {
        return String((JSON.parse(body) as { message?: unknown }).message ?? body);
      } catch {
        return body;
      }
    })();
    throw new EngineApiError(response.status, `HTTP ${response.status}: ${message.slice(0, 300)}`);
  }
  return JSON.parse(body) as T;
}

const requireHere = createRequire(import.meta.url);

/**
 * A dockerode client that is created on first use. Callers hold an ordinary `Docker`; the first
 * property they touch loads the module (synchronously: `getContainer` and `getImage` are
 * synchronous), and every later access goes to that one client.
 */
export function lazyDocker(options: Docker.DockerOptions): Docker {
  let client: Docker | undefined;
  const real = (): Docker => {
    if (!client) {
      const DockerClient = requireHere("dockerode") as typeof Docker;
      client = new DockerClient(options);
    }
    return client;
  };
  return new Proxy({} as Docker, {
    get(_target, key) {
      const value = Reflect.get(real(), key);
      return typeof value === "function" ? value.bind(real()) : value;
    },
    has: (_target, key) => key in real(),
  });
}
