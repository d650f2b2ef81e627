import { afterEach, describe, expect, test } from "bun:test";
import { createSlidingWindowLimiter } from "../../src/gateway/rate-limit.ts";
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
    api = startApi({ now: () => 0, sendLimitPerMinute: 1 });
    expect((await api.call("/api/chat/send", postJson({ text: "a" }))).status).toBe(200);
    expect((await api.call("/api/chat/send", postJson({ text: "b" }))).status).toBe(429);
    expect((await api.call("/api/approvals")).status).toBe(200);
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
