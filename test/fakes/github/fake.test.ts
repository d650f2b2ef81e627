// The GitHub fake itself: it speaks the two endpoints, checks the bearer token like GitHub.
import { afterAll, expect, test } from "bun:test";
import { startGitHubFake } from "./github-fake.ts";

const fake = startGitHubFake({ token: "ghp_test" });
fake.addIssue({ repo: "acme/rocket", number: 7, title: "Engine stalls on launch", labels: ["bug"] });
fake.addIssue({ repo: "acme/rocket", number: 8, title: "Docs typo", pullRequest: true });
afterAll(() => fake.close());

const get = (path: string, token = "ghp_test") =>
  fetch(`${fake.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

test("search filters by repo: and words, honours per_page", async () => {
  const answer = (await (await get("/search/issues?q=repo%3Aacme%2Frocket+engine&per_page=5")).json()) as {
    total_count: number;
    items: Array<{ number: number; labels: Array<{ name: string }> }>;
  };
  expect(answer.total_count).toBe(1);
  expect(answer.items[0]?.number).toBe(7);
  expect(answer.items[0]?.labels[0]?.name).toBe("bug");
});

test("one issue by number; unknown → 404", async () => {
  const issue = (await (await get("/repos/acme/rocket/issues/8")).json()) as { pull_request?: unknown };
  expect(issue.pull_request).toBeDefined();
  expect((await get("/repos/acme/rocket/issues/99")).status).toBe(404);
});

test("a missing or wrong token is 401 Bad credentials, and every request is recorded", async () => {
  const response = await get("/search/issues?q=x", "wrong");
  expect(response.status).toBe(401);
  expect(((await response.json()) as { message: string }).message).toBe("Bad credentials");
  expect(fake.requests.at(-1)?.authorization).toBe("Bearer wrong");
});
