/**
 * A wire-level stand-in for api.github.com's `GET /repos/{owner}/{repo}` (the one endpoint the
 * built stars tool calls), and the network edge that sends the host's real HTTP port there: the
 * fetch goes to the fake on loopback, and the name resolves to a public address so the SSRF
 * guard passes as it would for the real host.
 */
import type { FetchFunction } from "../../../src/plugin/ports/http/send-request.ts";

export function startStarsFake(stars: Record<string, number>) {
  const requests: string[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const repo = /^\/repos\/([^/]+\/[^/]+)$/.exec(path)?.[1];
      if (!repo || stars[repo] === undefined) return Response.json({ message: "Not Found" }, { status: 404 });
      return Response.json({ full_name: repo, stargazers_count: stars[repo], owner: { avatar_url: "x" } });
    },
  });
  const network: {
    fetch: FetchFunction;
    lookup: (host: string) => Promise<{ address: string; family: number }[]>;
  } = {
    fetch: (url, init) => {
      if (url.hostname !== "api.github.com")
        return Promise.reject(new Error(`test network: no route to ${url.host}`));
      return fetch(`http://127.0.0.1:${server.port}${url.pathname}${url.search}`, {
        ...init,
        redirect: "manual",
      });
    },
    lookup: async () => [{ address: "140.82.112.6", family: 4 }],
  };
  return { requests, network, close: async () => server.stop(true) };
}
