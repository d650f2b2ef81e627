/**
 * A wire-level fake of the two GitHub REST endpoints the `github` WASM tool uses, on 127.0.0.1
 * (any free port): `GET /search/issues?q=&per_page=` and `GET /repos/{owner}/{repo}/issues/{n}`.
 * It checks the Authorization header the way GitHub does (a missing or wrong bearer token → 401
 * `Bad credentials`), records every request (method, path, query, headers) so a test can assert
 * what the host injected, and answers with payloads shaped like GitHub's (the fields the tool
 * reads, plus the noise the tool must drop).
 */

export interface FakeIssue {
  readonly repo: string;
  readonly number: number;
  readonly title: string;
  readonly state?: "open" | "closed";
  readonly body?: string;
  readonly author?: string;
  readonly labels?: readonly string[];
  readonly pullRequest?: boolean;
}

export interface RecordedGitHubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | null;
  readonly headers: Record<string, string>;
}

export interface GitHubFake {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedGitHubRequest[];
  addIssue(issue: FakeIssue): void;
  close(): Promise<void>;
}

export interface GitHubFakeOptions {
  /** The token the fake accepts (`Authorization: Bearer <token>`); undefined = any request is accepted. */
  readonly token?: string;
}

function issuePayload(issue: FakeIssue, origin: string) {
  return {
    url: `${origin}/repos/${issue.repo}/issues/${issue.number}`,
    repository_url: `https://api.github.com/repos/${issue.repo}`,
    html_url: `https://github.com/${issue.repo}/issues/${issue.number}`,
    id: 1_000_000 + issue.number,
    node_id: `I_kwDO${issue.number}`,
    number: issue.number,
    title: issue.title,
    user: {
      login: issue.author ?? "octocat",
      id: 1,
      avatar_url: "https://avatars.githubusercontent.com/u/1",
    },
    labels: (issue.labels ?? []).map((name, index) => ({ id: index, name, color: "d73a4a", default: false })),
    state: issue.state ?? "open",
    locked: false,
    comments: 3,
    created_at: "2026-01-02T03:04:05Z",
    updated_at: "2026-02-03T04:05:06Z",
    closed_at: issue.state === "closed" ? "2026-03-04T05:06:07Z" : null,
    author_association: "CONTRIBUTOR",
    reactions: { url: "", total_count: 0, "+1": 0 },
    ...(issue.pullRequest ? { pull_request: { url: "", html_url: "" } } : {}),
    body: issue.body ?? "",
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "x-github-media-type": "github.v3" },
  });
}

export function startGitHubFake(options: GitHubFakeOptions = {}): GitHubFake {
  const issues: FakeIssue[] = [];
  const requests: RecordedGitHubRequest[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      const authorization = request.headers.get("authorization");
      requests.push({
        method: request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization,
        headers: Object.fromEntries(request.headers),
      });
      if (options.token !== undefined && authorization !== `Bearer ${options.token}`)
        return json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
      if (request.method !== "GET") return json(404, { message: "Not Found" });
      if (url.pathname === "/search/issues") {
        const terms = (url.searchParams.get("q") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
        const repoTerm = terms.find((term) => term.startsWith("repo:"))?.slice(5);
        const words = terms.filter((term) => !term.includes(":"));
        const matches = issues.filter(
          (issue) =>
            (!repoTerm || issue.repo.toLowerCase() === repoTerm) &&
            words.every((word) => `${issue.title} ${issue.body ?? ""}`.toLowerCase().includes(word)),
        );
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        return json(200, {
          total_count: matches.length,
          incomplete_results: false,
          items: matches.slice(0, perPage).map((issue) => ({ ...issuePayload(issue, url.origin), score: 1 })),
        });
      }
      const single = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(url.pathname);
      if (single) {
        const issue = issues.find((entry) => entry.repo === single[1] && entry.number === Number(single[2]));
        return issue ? json(200, issuePayload(issue, url.origin)) : json(404, { message: "Not Found" });
      }
      return json(404, { message: "Not Found" });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port as number,
    requests,
    addIssue: (issue) => issues.push(issue),
    close: async () => {
      await server.stop(true);
    },
  };
}
