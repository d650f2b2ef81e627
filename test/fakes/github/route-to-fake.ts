/**
 * The network edge for tests that reach "https://api.github.com" through the host's real HTTP
 * port: a `fetch` that sends each request, headers and all, to the GitHub fake on loopback
 * instead (so the fake sees exactly what the host put on the wire, injected credential included),
 * and a name resolution that gives api.github.com a public address so the SSRF guard passes.
 */
import type { FetchFunction } from "../../../src/plugin/ports/http/send-request.ts";
import type { GitHubFake } from "./github-fake.ts";

export function routeToGitHubFake(fake: GitHubFake): {
  fetch: FetchFunction;
  lookup: (hostname: string) => Promise<{ address: string; family: number }[]>;
} {
  return {
    fetch: (url, init) => {
      if (url.hostname !== "api.github.com")
        return Promise.reject(new Error(`test network: no route to ${url.host}`));
      return fetch(`${fake.url}${url.pathname}${url.search}`, { ...init, redirect: "manual" });
    },
    lookup: async (hostname) => [
      { address: hostname === "api.github.com" ? "140.82.112.6" : "93.184.216.34", family: 4 },
    ],
  };
}
