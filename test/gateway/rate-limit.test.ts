import { afterEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { createSlidingWindowLimiter, parseRateLimit } from "../../src/gateway/rate-limit.ts";
import { childEnv, runCli, temporaryHome } from "../support/cli.ts";
import { type ApiHarness, postJson, startApi } from "./harness.ts";

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.gateway.stop();
  api = undefined;
});

describe("POST /api/chat/send rate limit", () => {
  test("the 31st message in a minute is refused with Retry-After, and allowed once the window slid", async () => {
    let clock = 1_000_000;
    api = startApi({ now: () => clock });
    for (let index = 0; index < 30; index++) {
      const response = await api.call("/api/chat/send", postJson({ text: `m${index}` }));
      expect(response.status).toBe(200);
      clock += 100;
    }
    // The oldest request (t = 1_000_000) leaves the window at 1_060_000; now is 1_003_000.
    const refused = await api.call("/api/chat/send", postJson({ text: "one too many" }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("57");
    expect(((await refused.json()) as { error: string }).error).toBe("rate_limited");
    expect(api.chat.sent).toHaveLength(30);

    clock = 1_060_000;
    const allowed = await api.call("/api/chat/send", postJson({ text: "later" }));
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toMatchObject({ reply: "pong: later" });

    // Full again: the next slot frees 100 ms later, still announced as at least one second.
    const full = await api.call("/api/chat/send", postJson({ text: "again" }));
    expect(full.status).toBe(429);
    expect(full.headers.get("retry-after")).toBe("1");
  });

  test("other routes are not limited", async () => {
    api = startApi({ now: () => 0, sendLimit: { limit: 1, windowMs: 60_000 } });
    expect((await api.call("/api/chat/send", postJson({ text: "a" }))).status).toBe(200);
    expect((await api.call("/api/chat/send", postJson({ text: "b" }))).status).toBe(429);
    expect((await api.call("/api/approvals")).status).toBe(200);
  });
});

describe("what counts against the rate limit", () => {
  test("only authenticated, well-formed sends count", async () => {
    api = startApi({ now: () => 0, sendLimit: { limit: 2, windowMs: 60_000 } });
    const noToken = { method: "POST", headers: { "content-type": "application/json" }, body: '{"text":"x"}' };
    for (let index = 0; index < 3; index++) {
      expect((await fetch(`${api.url}/api/chat/send`, noToken)).status).toBe(401);
      expect(
        (await fetch(`${api.url}/api/chat/send`, { ...noToken, headers: { authorization: "Bearer wrong" } }))
          .status,
      ).toBe(401);
    }
    const malformed: unknown[] = ["{ not json", { text: "" }, { text: "hi", thread_id: "a\u0000b" }, ["hi"]];
    for (const body of malformed) {
      expect((await api.call("/api/chat/send", postJson(body))).status).toBe(400);
    }
    expect((await api.call("/api/chat/send", postJson({ text: "one" }))).status).toBe(200);
    expect((await api.call("/api/chat/send", postJson({ text: "two" }))).status).toBe(200);
    expect((await api.call("/api/chat/send", postJson({ text: "three" }))).status).toBe(429);
    expect(api.chat.sent.map((input) => input.text)).toEqual(["one", "two"]);
  });
});

describe("GATEWAY_RATE_LIMIT", () => {
  test("is <count>/<window>, the window any duration", () => {
    expect(parseRateLimit("30/60s")).toEqual({ limit: 30, windowMs: 60_000 });
    expect(parseRateLimit(" 100 / 1h ")).toEqual({ limit: 100, windowMs: 3_600_000 });
    expect(parseRateLimit("5/10")).toEqual({ limit: 5, windowMs: 10_000 });
    for (const bad of ["fast", "30", "30/", "/60s", "0/60s", "-1/60s", "30/soon", "1.5/60s"]) {
      expect(() => parseRateLimit(bad)).toThrow('must be <count>/<window>, e.g. "30/60s"');
    }
  });

  test("defaults to 30/60s and is read from the configuration", () => {
    const file = { path: "x", values: {}, warnings: [] };
    expect(loadConfig({ env: { IRONCLAW_HOME: "/tmp/x" }, file }).gateway.rateLimit).toEqual({
      limit: 30,
      windowMs: 60_000,
    });
    const config = loadConfig({ env: { IRONCLAW_HOME: "/tmp/x", GATEWAY_RATE_LIMIT: "3/5m" }, file });
    expect(config.gateway.rateLimit).toEqual({ limit: 3, windowMs: 300_000 });
    expect(() => loadConfig({ env: { IRONCLAW_HOME: "/tmp/x", GATEWAY_RATE_LIMIT: "lots" }, file })).toThrow(
      ConfigError,
    );
  });

  test("a bad value stops start-up with exit code 2 and one line naming the variable", async () => {
    const result = await runCli(
      ["run"],
      childEnv({ IRONCLAW_HOME: temporaryHome(), GATEWAY_RATE_LIMIT: "30 per minute" }),
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'ironclaw: GATEWAY_RATE_LIMIT: must be <count>/<window>, e.g. "30/60s" or "100/1h"',
    );
  });
});

describe("sliding window limiter", () => {
  test("refused requests are not recorded, so hammering does not extend the wait", () => {
    let clock = 0;
    const limiter = createSlidingWindowLimiter({ limit: 2, windowMs: 10_000, now: () => clock });
    expect(limiter.take()).toEqual({ allowed: true });
    clock = 4_000;
    expect(limiter.take()).toEqual({ allowed: true });
    for (clock = 5_000; clock < 10_000; clock += 1_000) expect(limiter.take().allowed).toBe(false);
    clock = 10_000;
    expect(limiter.take()).toEqual({ allowed: true });
    expect(limiter.take()).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
