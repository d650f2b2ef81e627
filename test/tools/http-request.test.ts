import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { HttpPortOptions } from "../../src/plugin/ports/http/http-port.ts";
import type { ToolContext } from "../../src/plugin/tool.ts";
import { createHttpRequestTool, type HttpRequestToolDeps } from "../../tools/http-request/index.ts";
import { createTestToolContext } from "../support/tool-context.ts";

/** The tool's own limits, and the host's HTTP port options (the tool reaches it through its context). */
type TestDeps = Partial<HttpRequestToolDeps & HttpPortOptions>;

function contextWith(signal: AbortSignal = new AbortController().signal, deps: TestDeps = {}): ToolContext {
  const { allowHosts = ["127.0.0.1"], fetch, lookup } = deps;
  return createTestToolContext({ signal }, { allowHosts, fetch, lookup });
}

let server: ReturnType<typeof Bun.serve>;
let base: string;
let releaseSlow: () => void = () => {};
const slowRelease = new Promise<void>((resolve) => {
  releaseSlow = resolve;
});
let notifySlowArrived: () => void = () => {};

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      switch (url.pathname) {
        case "/hello":
          return new Response("hello world", { headers: { "content-type": "text/plain; charset=utf-8" } });
        case "/echo":
          return Response.json({
            method: request.method,
            body: await request.text(),
            contentType: request.headers.get("content-type"),
            custom: request.headers.get("x-custom"),
            authorization: request.headers.get("authorization"),
          });
        case "/teapot":
          return new Response("short and stout", { status: 418 });
        case "/accents":
          return new Response("é".repeat(5000), { headers: { "content-type": "text/plain; charset=utf-8" } });
        case "/endless": {
          const chunk = new TextEncoder().encode("x".repeat(1024));
          return new Response(new ReadableStream({ pull: (controller) => controller.enqueue(chunk) }));
        }
        case "/slow":
          notifySlowArrived();
          await slowRelease;
          return new Response("too late");
        case "/redirect":
          return new Response(null, {
            status: Number(url.searchParams.get("status") ?? 302),
            headers: { location: url.searchParams.get("to") ?? "/hello" },
          });
        case "/loop":
          return new Response(null, { status: 302, headers: { location: "/loop" } });
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  releaseSlow();
  server.stop(true);
});

function createTool(deps: TestDeps = {}) {
  return createHttpRequestTool(deps);
}

async function call(params: Record<string, unknown>, deps: TestDeps = {}) {
  const result = await createTool(deps).execute(params, contextWith(undefined, deps));
  return { result, value: result.isError ? null : JSON.parse(result.content) };
}

describe("http_request against an allowed local server", () => {
  test("GET returns status, selected headers and the body", async () => {
    const { result, value } = await call({ method: "GET", url: `${base}/hello` });
    expect(result.isError).toBeFalsy();
    expect(value).toMatchObject({ status: 200, ok: true, url: `${base}/hello`, body: "hello world" });
    expect(value.headers).toEqual({ "content-type": "text/plain; charset=utf-8", "content-length": "11" });
    expect(value.truncated).toBeUndefined();
  });

  test("POST sends the body and headers", async () => {
    const { value } = await call({
      method: "POST",
      url: `${base}/echo`,
      headers: { "Content-Type": "application/json", "X-Custom": "yes" },
      body: '{"hello":"server"}',
    });
    expect(JSON.parse(value.body)).toEqual({
      method: "POST",
      body: '{"hello":"server"}',
      contentType: "application/json",
      custom: "yes",
      authorization: null,
    });
  });

  test("HEAD returns the status without a body", async () => {
    const { value } = await call({ method: "HEAD", url: `${base}/hello` });
    expect(value.status).toBe(200);
    expect(value.body).toBe("");
  });

  test("a non-2xx status is a normal result the model can read", async () => {
    const { result, value } = await call({ method: "GET", url: `${base}/teapot` });
    expect(result.isError).toBeFalsy();
    expect(value).toMatchObject({ status: 418, ok: false, body: "short and stout" });
  });

  test("the body is cut at the cap without splitting a character", async () => {
    const { value } = await call({ method: "GET", url: `${base}/accents` }, { maxBodyBytes: 1001 });
    expect(value.truncated).toBe(true);
    expect(value.note).toContain("1001 bytes");
    expect(value.body).toBe("é".repeat(500));
  });

  test("an endless body stops being read at the cap (64 KiB by default)", async () => {
    const { value } = await call({ method: "GET", url: `${base}/endless` });
    expect(value.truncated).toBe(true);
    expect(value.body.length).toBe(64 * 1024);
  });

  test("a request that takes too long times out as an error result", async () => {
    const { result } = await call({ method: "GET", url: `${base}/slow` }, { timeoutMs: 200 });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("timed out after 200 ms");
  });

  test("the turn's abort signal cancels the request", async () => {
    const controller = new AbortController();
    const arrived = new Promise<void>((resolve) => {
      notifySlowArrived = resolve;
    });
    const pending = createTool().execute(
      { method: "GET", url: `${base}/slow` },
      contextWith(controller.signal),
    );
    await arrived;
    controller.abort();
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(result.content).toContain("was cancelled");
  });

  test("a GET with a body is refused before sending", async () => {
    const { result } = await call({ method: "GET", url: `${base}/echo`, body: "x" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("cannot have a body");
  });

  test("a connection failure is an error result", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}/`;
    closed.stop(true);
    const { result } = await call({ method: "GET", url });
    expect(result.isError).toBe(true);
    expect(result.content).toStartWith(`The request to ${url} failed:`);
  });
});

describe("http_request redirects", () => {
  test("follows a redirect on the same allowed host", async () => {
    const { value } = await call({ method: "GET", url: `${base}/redirect?to=/hello` });
    expect(value).toMatchObject({ status: 200, body: "hello world", url: `${base}/hello`, redirects: 1 });
  });

  test("303 turns a POST into a GET without the body; 307 keeps both", async () => {
    const post = { method: "POST", body: "payload", headers: { "content-type": "text/plain" } };
    const seeOther = await call({ ...post, url: `${base}/redirect?status=303&to=/echo` });
    expect(JSON.parse(seeOther.value.body)).toMatchObject({ method: "GET", body: "", contentType: null });
    const temporary = await call({ ...post, url: `${base}/redirect?status=307&to=/echo` });
    expect(JSON.parse(temporary.value.body)).toMatchObject({ method: "POST", body: "payload" });
  });

  test("credentials are not carried to another origin", async () => {
    const headers = { authorization: "Bearer secret-token" };
    const allowBoth = { allowHosts: ["127.0.0.1", "localhost"] };
    const sameOrigin = await call({ method: "GET", url: `${base}/redirect?to=/echo`, headers }, allowBoth);
    expect(JSON.parse(sameOrigin.value.body).authorization).toBe("Bearer secret-token");
    const crossOrigin = `${base}/redirect?to=${encodeURIComponent(`http://localhost:${server.port}/echo`)}`;
    const other = await call({ method: "GET", url: crossOrigin, headers }, allowBoth);
    expect(other.value.url).toBe(`http://localhost:${server.port}/echo`);
    expect(JSON.parse(other.value.body).authorization).toBeNull();
  });

  test.each([
    [
      "localhost (not allowed)",
      () => `http://localhost:${server.port}/hello`,
      "127.0.0.1, a loopback address",
    ],
    [
      "cloud metadata",
      () => "http://169.254.169.254/latest/meta-data/",
      "169.254.169.254: it is a link-local",
    ],
    ["a private LAN host", () => "http://10.0.0.1/", "10.0.0.1: it is a private address"],
    ["a file URL", () => "file:///etc/passwd", "only http and https"],
  ])("a redirect to %s is refused", async (_, target, reason) => {
    const { result } = await call({
      method: "GET",
      url: `${base}/redirect?to=${encodeURIComponent(target())}`,
    });
    expect(result.isError).toBe(true);
    expect(result.content).toStartWith("Redirect 1: ");
    expect(result.content).toContain(reason);
  });

  test("a redirect loop stops after five hops", async () => {
    const { result } = await call({ method: "GET", url: `${base}/loop` });
    expect(result.isError).toBe(true);
    expect(result.content).toBe("Too many redirects: stopped after 5.");
  });
});

describe("http_request SSRF refusals", () => {
  const fetchCalls: string[] = [];
  const recordingFetch = async (input: URL) => {
    fetchCalls.push(input.href);
    return new Response("public content", { headers: { "content-type": "text/plain" } });
  };
  const fakeDns: Record<string, string[]> = {
    "internal.example": ["10.1.2.3"],
    "mixed.example": ["93.184.216.34", "192.168.0.10"],
    "public.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "nat64.example": ["64:ff9b::a9fe:a9fe"],
    "teredo.example": ["2001:0:4136:e378:8000:63bf:3fff:fdd2"],
  };
  const lookup = async (hostname: string) => {
    const addresses = fakeDns[hostname];
    if (addresses === undefined) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  const strict = { allowHosts: [], fetch: recordingFetch, lookup };

  test.each([
    ["http://127.0.0.1:8080/admin", "127.0.0.1: it is a loopback address"],
    ["http://0x7f.1/", "127.0.0.1: it is a loopback address"],
    ["http://10.0.0.1/", "10.0.0.1: it is a private address"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254: it is a link-local address"],
    ["http://[::1]:3000/", "[::1]: it is a loopback address"],
    ["http://[::ffff:127.0.0.1]/", "loopback address in IPv4-mapped IPv6 form"],
    ["http://[fd00::5]/", "unique-local"],
    ["http://100.64.1.1/", "carrier-grade NAT"],
    ["http://[::ffff:0:127.0.0.1]/", "loopback address in IPv4-translated IPv6 form"],
    ["http://[2002:7f00:1::1]/", "loopback address in 6to4 IPv6 form"],
    ["http://203.0.113.9/", "documentation address"],
    ["http://[2001:db8::80]/", "documentation address"],
    ["http://nat64.example/", "it resolves to 64:ff9b::a9fe:a9fe, a link-local address in NAT64 IPv6 form"],
    ["http://teredo.example/", "a Teredo tunnel address"],
    ["http://internal.example/", "internal.example: it resolves to 10.1.2.3, a private address"],
    ["http://mixed.example/", "it resolves to 192.168.0.10, a private address"],
    ["http://nowhere.example/", "Could not resolve host nowhere.example (ENOTFOUND)"],
  ])("refuses %s without connecting", async (url, reason) => {
    fetchCalls.length = 0;
    const { result } = await call({ method: "GET", url }, strict);
    expect(result.isError).toBe(true);
    expect(result.content).toContain(reason);
    expect(fetchCalls).toEqual([]);
  });

  test("refuses localhost when it is not allowed (real name resolution)", async () => {
    const { result } = await call(
      { method: "GET", url: `http://localhost:${server.port}/hello` },
      { allowHosts: [] },
    );
    expect(result.isError).toBe(true);
    expect(result.content).toContain("Refused to connect to localhost");
    expect(result.content).toContain('Add "localhost" to HTTP_ALLOW_HOSTS');
  });

  test("refuses the local server itself when 127.0.0.1 is not allowed", async () => {
    const { result } = await call({ method: "GET", url: `${base}/hello` }, { allowHosts: [] });
    expect(result.isError).toBe(true);
    expect(result.content).toContain("loopback");
  });

  test("allows a name whose every address is public", async () => {
    fetchCalls.length = 0;
    const { value } = await call({ method: "GET", url: "https://public.example/page" }, strict);
    expect(value).toMatchObject({ status: 200, body: "public content" });
    expect(fetchCalls).toEqual(["https://public.example/page"]);
  });

  test("the allow list matches the hostname without case", async () => {
    const { value } = await call(
      { method: "GET", url: `http://LOCALHOST:${server.port}/hello` },
      {
        allowHosts: ["LocalHost"],
      },
    );
    expect(value).toMatchObject({ status: 200, body: "hello world" });
  });

  test("non-http schemes are refused", async () => {
    const { result } = await call({ method: "GET", url: "ftp://example.com/file" }, strict);
    expect(result.isError).toBe(true);
    expect(result.content).toContain("only http and https");
  });
});

describe("http_request summary and declaration", () => {
  const tool = createTool();

  test("shows method, URL and header names but never header values", () => {
    const summary = tool.summarize?.({
      method: "post",
      url: "https://api.example.com/v1/items?page=2",
      headers: { Authorization: "Bearer sk-very-secret", "X-Api-Key": "key-123" },
      body: "{}",
    });
    expect(summary).toBe(
      "POST https://api.example.com/v1/items?page=2; headers: Authorization, X-Api-Key (values hidden); body: 2 characters",
    );
    expect(summary).not.toContain("sk-very-secret");
    expect(summary).not.toContain("key-123");
  });

  test("hides passwords and secret-looking query values in the URL", () => {
    const summary = tool.summarize?.({
      method: "GET",
      url: "https://user:hunter2@example.com/x?api_key=abc&q=cats",
    });
    expect(summary).toBe("GET https://user:***@example.com/x?api_key=***&q=cats");
  });

  test("is an external tool that asks for approval", () => {
    expect(tool.name).toBe("http_request");
    expect(tool.risk).toBe("external");
    expect(tool.approval).toBe("unless-auto-approved");
    expect(tool.parameters).toMatchObject({ required: ["method", "url"], additionalProperties: false });
  });
});
