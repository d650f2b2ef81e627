// The github example tool, built from tools/github/ and run in the real WASM sandbox; the host's
// real HTTP port sends its requests to a wire-level fake of api.github.com.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { CredentialInjector } from "../../../src/plugin/ports/http/send-request.ts";
import { startGitHubFake } from "../../fakes/github/github-fake.ts";
import { routeToGitHubFake } from "../../fakes/github/route-to-fake.ts";
import { createTestToolContext } from "../../support/tool-context.ts";
import { type LoadedExample, loadExampleTool } from "../support/wasm-example.ts";

const token = "ghp_ToolLevelTestToken0123456789abcdefABCD";
const fake = startGitHubFake({ token });
fake.addIssue({
  repo: "acme/rocket",
  number: 7,
  title: "Engine stalls on launch",
  labels: ["bug", "p1"],
  author: "ada",
  body: `The engine stalls. ${"Logs follow. ".repeat(500)}`,
});
fake.addIssue({ repo: "acme/rocket", number: 8, title: "Engine docs typo", pullRequest: true });
fake.addIssue({ repo: "other/thing", number: 1, title: "Unrelated engine" });

let loaded: LoadedExample;
beforeAll(async () => {
  loaded = await loadExampleTool("github");
}, 120_000);
afterAll(async () => {
  await loaded?.close();
  await fake.close();
});

/**
 * Stands in for the secret store (the end-to-end test uses the real one): `github_token` exists
 * unless `stored` is false, and is injected as the bearer for api.github.com, as the manifest maps it.
 */
function context(options: { stored?: boolean; value?: string } = {}) {
  const stored = options.stored ?? true;
  const injectToken: CredentialInjector = (url, headers) => {
    if (stored && url.hostname === "api.github.com")
      headers.set("authorization", `Bearer ${options.value ?? token}`);
    return undefined;
  };
  return createTestToolContext(
    {},
    {
      ...routeToGitHubFake(fake),
      credentials: injectToken,
      secrets: { exists: async (name) => stored && name === "github_token" },
    },
  );
}

test("search: GET /search/issues with the query, compact hits for the model", async () => {
  const result = await loaded.tool.execute(
    { action: "search", query: "repo:acme/rocket engine", limit: 5 },
    context(),
  );
  expect(result.isError ?? false).toBe(false);
  const answer = JSON.parse(result.content);
  expect(answer.total_count).toBe(2);
  expect(answer.items[0]).toEqual({
    repo: "acme/rocket",
    number: 7,
    title: "Engine stalls on launch",
    state: "open",
    kind: "issue",
    author: "ada",
    labels: ["bug", "p1"],
    comments: 3,
    updated_at: "2026-02-03T04:05:06Z",
    url: "https://github.com/acme/rocket/issues/7",
  });
  expect(answer.items[1].kind).toBe("pull_request");
  expect(result.content).not.toContain("avatar_url");
  const request = fake.requests.at(-1);
  expect(request?.path).toBe("/search/issues");
  expect(request?.query).toEqual({ q: "repo:acme/rocket engine", per_page: "5" });
  expect(request?.headers.accept).toBe("application/vnd.github+json");
});

test("get: one issue with its body cut for the model", async () => {
  const result = await loaded.tool.execute({ action: "get", repo: "acme/rocket", number: 7 }, context());
  const answer = JSON.parse(result.content);
  expect(answer.title).toBe("Engine stalls on launch");
  expect(answer.body.length).toBeLessThan(4100);
  expect(answer.body).toContain("more characters)");
  expect(fake.requests.at(-1)?.path).toBe("/repos/acme/rocket/issues/7");
});

test("GitHub's errors become clear error results: 404, a rejected token (401)", async () => {
  const missing = await loaded.tool.execute({ action: "get", repo: "acme/rocket", number: 99 }, context());
  expect(missing.isError).toBe(true);
  expect(missing.content).toContain("not found on GitHub (404)");
  const rejected = await loaded.tool.execute(
    { action: "search", query: "engine" },
    context({ value: "ghp_revoked" }),
  );
  expect(rejected.isError).toBe(true);
  expect(rejected.content).toContain("GitHub rejected the token (401): Bad credentials");
});

test("no stored token: the host refuses before sending (auth-required) and the tool says what to do", async () => {
  const before = fake.requests.length;
  const result = await loaded.tool.execute({ action: "search", query: "engine" }, context({ stored: false }));
  expect(result.isError).toBe(true);
  expect(result.content).toContain("ironclaw secrets set github_token");
  expect(fake.requests.length).toBe(before);
});

test("bad arguments are refused before any request", async () => {
  const before = fake.requests.length;
  const badRepo = await loaded.tool.execute({ action: "get", repo: "../../admin", number: 1 }, context());
  expect(badRepo.content).toContain("repo must be owner/name");
  const empty = await loaded.tool.execute({ action: "search", query: "  " }, context());
  expect(empty.content).toContain("search needs a query");
  expect(fake.requests.length).toBe(before);
});
