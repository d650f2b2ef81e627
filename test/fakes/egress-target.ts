/**
 * A loopback HTTP host for the egress proxy tests: answers every request with its own name and
 * whether it saw the expected Authorization header (never echoing the value), and counts the
 * requests it got, so a test can prove a refused host was never contacted. Optionally over
 * HTTPS, with a certificate from the test's own CA.
 */
export interface EgressTarget {
  port: number;
  requests: { method: string; path: string; authorized: boolean }[];
  stop(): Promise<void>;
}

export function startEgressTarget(
  name: string,
  expectedAuthorization?: string,
  /** Serve HTTPS with this certificate (from a test CA) instead of plain HTTP. */
  tls?: { key: string; cert: string },
): EgressTarget {
  const requests: EgressTarget["requests"] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    ...(tls ? { tls } : {}),
    fetch(request) {
      const url = new URL(request.url);
      const authorized =
        expectedAuthorization !== undefined && request.headers.get("authorization") === expectedAuthorization;
      requests.push({ method: request.method, path: url.pathname, authorized });
      return new Response(`${name} says hello on ${url.pathname}${authorized ? " (authorized)" : ""}\n`);
    },
  });
  return {
    port: server.port as number,
    requests,
    stop: async () => {
      await server.stop(true);
    },
  };
}
