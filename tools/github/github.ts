/**
 * `github` — a WASM tool: searches GitHub issues and pull requests, and reads one issue, through
 * https://api.github.com. The owner's token is injected by the host for api.github.com (manifest
 * `credentials`); this code never sees it. Answers are compacted for the model: the fields that
 * matter, bodies cut to a few thousand characters.
 *
 * Build: `ironclaw tools build tools/github/github.ts` (or `bun scripts/build-wasm.ts`).
 */
import { HttpError, type HttpResponse, http } from "ironclaw:tool";

const api = "https://api.github.com";
const bodyLimit = 4000;

interface Params {
  action: "search" | "get";
  query?: string;
  limit?: number;
  repo?: string;
  number?: number;
}

export const description =
  "Searches GitHub issues and pull requests (GitHub search syntax, e.g. `repo:owner/name is:open label:bug`) " +
  "or reads one issue or pull request with its body.";

export const schema = {
  type: "object",
  properties: {
    action: { type: "string", enum: ["search", "get"], description: "search issues, or get one issue" },
    query: { type: "string", description: "for search: a GitHub issue search query" },
    limit: {
      type: "integer",
      minimum: 1,
      maximum: 20,
      description: "for search: how many results (default 10)",
    },
    repo: { type: "string", description: "for get: owner/name" },
    number: { type: "integer", minimum: 1, description: "for get: the issue or pull request number" },
  },
  required: ["action"],
  additionalProperties: false,
};

interface GitHubIssue {
  number: number;
  title: string;
  state: string;
  html_url: string;
  repository_url: string;
  user?: { login?: string } | null;
  labels?: Array<{ name?: string } | string>;
  comments?: number;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
  pull_request?: unknown;
  body?: string | null;
}

function get(path: string): unknown {
  let response: HttpResponse;
  try {
    response = http.get(`${api}${path}`, {
      headers: {
        accept: "application/vnd.github+json",
        "user-agent": "ironclaw-github-tool",
        "x-github-api-version": "2022-11-28",
      },
      timeoutMs: 15_000,
    });
  } catch (error) {
    if (error instanceof HttpError && error.kind === "auth-required")
      throw new Error(
        "no GitHub token is stored: the owner can add one with `ironclaw secrets set github_token`",
      );
    throw error;
  }
  if (response.ok) return response.json();
  const detail = (response.json() as { message?: string } | null)?.message ?? response.text().slice(0, 200);
  if (response.status === 401) throw new Error(`GitHub rejected the token (401): ${detail}`);
  if (response.status === 404) throw new Error(`not found on GitHub (404): ${detail}`);
  if (response.status === 403 || response.status === 429)
    throw new Error(`GitHub refused (${response.status}, rate limit?): ${detail}`);
  throw new Error(`GitHub answered ${response.status}: ${detail}`);
}

function compact(issue: GitHubIssue) {
  return {
    repo: issue.repository_url.replace(`${api}/repos/`, ""),
    number: issue.number,
    title: issue.title,
    state: issue.state,
    kind: issue.pull_request ? "pull_request" : "issue",
    author: issue.user?.login ?? null,
    labels: (issue.labels ?? []).map((label) => (typeof label === "string" ? label : label.name)),
    comments: issue.comments ?? 0,
    updated_at: issue.updated_at ?? null,
    url: issue.html_url,
  };
}

function search(query: string, limit: number) {
  if (!query.trim()) throw new Error("search needs a query");
  const perPage = Math.min(20, Math.max(1, Math.floor(limit)));
  const answer = get(`/search/issues?q=${encodeURIComponent(query)}&per_page=${perPage}`) as {
    total_count: number;
    items: GitHubIssue[];
  };
  return { total_count: answer.total_count, items: answer.items.slice(0, perPage).map(compact) };
}

function read(repo: string, number: number) {
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
    throw new Error(`repo must be owner/name, not ${JSON.stringify(repo)}`);
  if (!Number.isInteger(number) || number < 1) throw new Error("number must be a positive integer");
  const issue = get(`/repos/${repo}/issues/${number}`) as GitHubIssue;
  const body = issue.body ?? "";
  return {
    ...compact(issue),
    created_at: issue.created_at ?? null,
    closed_at: issue.closed_at ?? null,
    body:
      body.length > bodyLimit
        ? `${body.slice(0, bodyLimit)}… (${body.length - bodyLimit} more characters)`
        : body,
  };
}

export function execute(params: Params) {
  if (params.action === "search") return search(params.query ?? "", params.limit ?? 10);
  if (params.action === "get") return read(params.repo ?? "", params.number ?? 0);
  throw new Error('action must be "search" or "get"');
}
