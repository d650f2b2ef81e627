/**
 * The HTTP port's own guarantees (the http_request tests cover the SSRF policy through the tool):
 * `check` and `send` refuse the same destinations, and host-injected credentials reach exactly
 * the hop they were mapped to — never a redirect target, and never the caller's headers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHttpPort, RequestRefusedError } from "../../../src/plugin/ports/http/http-port.ts";

let server: ReturnType<typeof Bun.serve>;
let base: string;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/redirect") {
        return new Response(null, { status: 302, headers: { location: url.searchParams.get("to") ?? "/" } });
      }
      return Response.json({ host: url.host, key: request.headers.get("x-api-key") });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));

const signal = new AbortController().signal;

describe("http port", () => {
  test("check and send refuse a destination outside the allow list, without connecting", async () => {
    const fetched: string[] = [];
    const port = createHttpPort({
      allowHosts: [],
      fetch: async (url) => {
        fetched.push(url.href);
        return new Response("should not happen");
      },
    });
    const url = new URL(`${base}/anything`);
    expect(await port.check(url, signal)).toContain("it is a loopback address");
    const sent = port.send({ method: "GET", url, headers: new Headers() }, { signal });
    await expect(sent).rejects.toBeInstanceOf(RequestRefusedError);
    expect(fetched).toEqual([]);
  });

  test("injected credentials reach only the mapped host and never follow a redirect", async () => {
    const seen: string[] = [];
    const port = createHttpPort({
      allowHosts: ["127.0.0.1", "localhost"],
      credentials: (url, headers) => {
        seen.push(url.host);
        if (url.hostname === "127.0.0.1") headers.set("x-api-key", "host-secret");
      },
    });
    const callerHeaders = new Headers({ accept: "application/json" });
    const direct = await port.send(
      { method: "GET", url: new URL(`${base}/plain`), headers: callerHeaders },
      { signal },
    );
    expect(await direct.response.json()).toEqual({ host: `127.0.0.1:${server.port}`, key: "host-secret" });
    expect(callerHeaders.has("x-api-key")).toBe(false);

    const elsewhere = encodeURIComponent(`http://localhost:${server.port}/plain`);
    const redirected = await port.send(
      { method: "GET", url: new URL(`${base}/redirect?to=${elsewhere}`), headers: new Headers() },
      { signal },
    );
    expect(redirected.redirects).toBe(1);
    expect(await redirected.response.json()).toEqual({ host: `localhost:${server.port}`, key: null });
    expect(seen).toEqual([
      `127.0.0.1:${server.port}`,
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
    ]);
  });

  test("without a credentials hook nothing is added", async () => {
    const port = createHttpPort({ allowHosts: ["127.0.0.1"] });
    const { response } = await port.send(
      { method: "GET", url: new URL(`${base}/plain`), headers: new Headers() },
      { signal },
    );
    expect(await response.json()).toMatchObject({ key: null });
  });
});
