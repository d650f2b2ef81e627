import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CredentialInjector } from "../../../../src/plugin/ports/http/send-request.ts";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { createRecordingFetch, fakeLookup } from "../support/network.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

let tool: Tool;
let harness: TestRuntime;
beforeAll(async () => {
  ({ tool, harness } = await loadProbe("http_probe", {
    http: {
      allowlist: [
        { host: "api.example.com", pathPrefix: "/", methods: ["GET", "POST"] },
        { host: "*.files.example.com", pathPrefix: "/", methods: [] },
      ],
    },
    credentials: [{ secret: "example_token", hosts: ["api.example.com"], location: { type: "bearer" } }],
    limits: { responseBytes: 1000, requestsPerMinute: 100, requestsPerHour: 1000, timeoutMs: 3_000 },
  }));
}, 120_000);
afterAll(() => harness.close());

const present = { exists: async (name: string) => name === "example_token" };
const call = async (params: Record<string, unknown>, ports: Parameters<typeof createTestToolContext>[1]) =>
  JSON.parse((await tool.execute({ op: "http", ...params }, createTestToolContext({}, ports))).content);

describe("http-request", () => {
  test("sends method, headers and body and hands back status, headers and body", async () => {
    const network = createRecordingFetch(
      () => new Response('{"ok":true}', { status: 201, headers: { "X-Answer": "42" } }),
    );
    const seen: { allowed?: ReadonlySet<string> } = {};
    const credentials: CredentialInjector = (_url, headers, options) => {
      seen.allowed = options?.allowedSecrets;
      headers.set("authorization", "Bearer injected");
      return undefined;
    };
    const result = await call(
      { method: "post", url: "https://api.example.com/items", headers: { "x-trace": "1" }, body: '{"a":1}' },
      { fetch: network.fetch, lookup: fakeLookup(), secrets: present, credentials },
    );
    expect(result).toMatchObject({ status: 201, body: '{"ok":true}', headers: { "x-answer": "42" } });
    expect(network.requests[0]).toMatchObject({ method: "POST", body: '{"a":1}' });
    expect(network.requests[0]?.headers["x-trace"]).toBe("1");
    expect(network.requests[0]?.headers.authorization).toBe("Bearer injected");
    expect([...(seen.allowed ?? [])]).toEqual(["example_token"]);
  });

  test("a granted credential the owner has not stored is auth-required", async () => {
    const network = createRecordingFetch(() => new Response("x"));
    const result = await call(
      { url: "https://api.example.com/items" },
      { fetch: network.fetch, lookup: fakeLookup(), secrets: { exists: async () => false } },
    );
    expect(result.failure.kind).toBe("auth-required");
    expect(network.requests).toEqual([]);
  });

  test("a response above the cap is too-large", async () => {
    const network = createRecordingFetch(() => new Response("z".repeat(5_000)));
    const result = await call(
      { url: "https://a.files.example.com/big" },
      { fetch: network.fetch, lookup: fakeLookup() },
    );
    expect(result.failure.kind).toBe("too-large");
  });

  test("a slow server is a timeout failure within the request's timeout", async () => {
    const network = createRecordingFetch(
      (_url, init) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
        ),
    );
    const result = await call(
      { url: "https://a.files.example.com/slow", timeoutMs: 100 },
      { fetch: network.fetch, lookup: fakeLookup() },
    );
    expect(result.failure.kind).toBe("timeout");
  });

  test("a network failure is network-error", async () => {
    const network = createRecordingFetch(() => {
      throw new TypeError("connection refused");
    });
    const result = await call(
      { url: "https://a.files.example.com/" },
      { fetch: network.fetch, lookup: fakeLookup() },
    );
    expect(result.failure).toEqual({ kind: "network-error", message: "connection refused" });
  });

  test("requests per minute are capped (rate-limited) without reaching the network", async () => {
    const { tool: fresh, harness: other } = await loadProbe("http_rate_probe", {
      http: { allowlist: [{ host: "api.example.com", pathPrefix: "/", methods: [] }] },
      limits: { requestsPerMinute: 2, requestsPerHour: 100 },
    });
    try {
      const network = createRecordingFetch(() => new Response("ok"));
      const context = createTestToolContext({}, { fetch: network.fetch, lookup: fakeLookup() });
      const kinds: unknown[] = [];
      for (let index = 0; index < 4; index += 1) {
        const result = JSON.parse(
          (await fresh.execute({ op: "http", url: "https://api.example.com/" }, context)).content,
        );
        kinds.push(result.failure?.kind ?? result.status);
      }
      expect(kinds).toEqual([200, 200, "rate-limited", "rate-limited"]);
      expect(network.requests).toHaveLength(2);
    } finally {
      await other.close();
    }
  }, 60_000);

  test("malformed headers are invalid-request", async () => {
    const network = createRecordingFetch(() => new Response("ok"));
    const ports = { fetch: network.fetch, lookup: fakeLookup() };
    for (const headers of [{ host: "evil.com" }, { "content-length": "1" }, { "bad header": "x" }]) {
      const result = await call({ url: "https://a.files.example.com/", headers }, ports);
      expect(result.failure.kind).toBe("invalid-request");
    }
    expect(network.requests).toEqual([]);
  });
});
