import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { AppError } from "../../../src/errors.ts";
import { createHttpPort } from "../../../src/plugin/ports/http/http-port.ts";
import { createRegistryClient } from "../../../src/skills/registry/client.ts";
import { buildSkillZip } from "../../fakes/clawhub/archives.ts";
import { type ClawHubFake, startClawHubFake } from "../../fakes/clawhub/clawhub-fake.ts";

let fake: ClawHubFake;
const http = createHttpPort({ allowHosts: ["127.0.0.1"] });

beforeAll(() => {
  fake = startClawHubFake();
  fake.addSkill({
    slug: "weather",
    displayName: "Weather",
    summary: "Forecasts for your city",
    version: "1.2.0",
  });
  fake.addSkill({
    slug: "git-notes",
    displayName: "Git notes",
    summary: "Summaries of commits",
    version: "0.3.1",
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setFault("none");
  fake.requests.length = 0;
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("search", () => {
  test("reads ClawHub's result shape", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http });
    const results = await client.search("weather forecasts");
    expect(results).toEqual([
      { slug: "weather", name: "Weather", version: "1.2.0", summary: "Forecasts for your city", score: 1 },
    ]);
    expect(fake.requests[0]).toEqual({
      path: "/api/v1/search",
      query: { q: "weather forecasts", limit: "10" },
    });
  });

  test("is cached five minutes per query, then asked again", async () => {
    let now = 1_000_000;
    const client = createRegistryClient({ baseUrl: fake.url, http, now: () => now });
    await client.search("commits");
    await client.search("  Commits ");
    expect(fake.requests).toHaveLength(1);
    now += 5 * 60_000;
    await client.search("commits");
    expect(fake.requests).toHaveLength(2);
  });

  test("a 500 and garbage are clear errors, and are not cached", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http });
    fake.setFault("500");
    expect((await failure(client.search("weather"))).message).toBe(
      `the skill registry at ${fake.url} answered HTTP 500 to a search`,
    );
    fake.setFault("garbage");
    const garbage = await failure(client.search("weather"));
    expect(garbage.code).toBe("registry_unavailable");
    expect(garbage.message).toContain("answered something that is not a search result");
    fake.setFault("wrong-shape");
    expect((await failure(client.search("weather"))).message).toContain("not a search result");
    fake.setFault("none");
    expect(await client.search("weather")).toHaveLength(1);
  });

  test("a slow registry hits the deadline", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http, timeoutMs: 100 });
    fake.setFault("slow", { delayMs: 2_000 });
    const error = await failure(client.search("weather"));
    expect(error.code).toBe("registry_unavailable");
    expect(error.message).toContain("is unreachable (no answer within 100 ms)");
  });

  test("a huge answer is cut off at the cap", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http, maxSearchBytes: 4096 });
    fake.setFault("huge");
    expect((await failure(client.search("weather"))).message).toContain("more than 4096 bytes");
  });

  test("a registry that is down is unreachable, not a crash", async () => {
    const down = startClawHubFake();
    await down.close();
    const client = createRegistryClient({ baseUrl: down.url, http });
    const error = await failure(client.search("weather"));
    expect(error.code).toBe("registry_unavailable");
    expect(error.message).toStartWith(`the skill registry at ${down.url} is unreachable (`);
  });

  test("a private registry address not named by the owner is refused by the SSRF guard", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http: createHttpPort({ allowHosts: [] }) });
    const error = await failure(client.search("weather"));
    expect(error.code).toBe("registry_unavailable");
    expect(error.message).toContain("must be listed in HTTP_ALLOW_HOSTS");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("download", () => {
  test("fetches the archive of a slug and version", async () => {
    const archive = buildSkillZip({ name: "pinned", version: "2.0.0" });
    fake.addSkill({ slug: "pinned", version: "2.0.0", archive });
    const client = createRegistryClient({ baseUrl: fake.url, http });
    const downloaded = await client.download("pinned", "2.0.0");
    expect(downloaded.bytes).toEqual(archive);
    expect(fake.requests.at(-1)).toEqual({
      path: "/api/v1/download",
      query: { slug: "pinned", version: "2.0.0" },
    });
  });

  test("an unknown slug is not_found; a slug with path characters is refused before any request", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http });
    expect((await failure(client.download("nope"))).code).toBe("not_found");
    const before = fake.requests.length;
    expect((await failure(client.download("../../etc"))).code).toBe("invalid_input");
    expect(fake.requests).toHaveLength(before);
  });

  test("an archive over the cap is refused after reading the cap, not the whole body", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http, maxArchiveBytes: 64 * 1024 });
    fake.setFault("huge");
    const error = await failure(client.download("weather"));
    expect(error.message).toBe(`the archive of "weather" is larger than 65536 bytes; not installed`);
  });

  test("a 500 or a slow download is registry_unavailable", async () => {
    const client = createRegistryClient({ baseUrl: fake.url, http, timeoutMs: 100 });
    fake.setFault("500");
    expect((await failure(client.download("weather"))).message).toBe(
      `the skill registry at ${fake.url} answered HTTP 500 to the download of "weather"`,
    );
    fake.setFault("slow", { delayMs: 2_000 });
    expect((await failure(client.download("weather"))).message).toContain("no answer within 100 ms");
  });
});
