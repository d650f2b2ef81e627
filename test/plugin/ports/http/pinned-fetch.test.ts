/**
 * The pinned fetch against real servers on loopback: the connection goes to the approved address
 * and nowhere else, the `Host` header keeps the real name, and over TLS the SNI and the
 * certificate check use the real name even though the socket was opened to an IP address (a
 * certificate for another name, or an untrusted one, fails). 127.0.0.2 stands in for the
 * approved public address: Linux routes all of 127.0.0.0/8 to loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createDestinationPolicy } from "../../../../src/plugin/ports/http/destination-check.ts";
import { createPinnedFetch, pinnedUrl } from "../../../../src/plugin/ports/http/pinned-fetch.ts";
import { RequestRefusedError, sendRequest } from "../../../../src/plugin/ports/http/send-request.ts";
import { certificate, certificateName, privateKey } from "./tls-fixture.ts";

interface Seen {
  host: string | undefined;
  serverName: string | undefined;
  localAddress: string | undefined;
  path: string | undefined;
}

const approved = "127.0.0.2";
let tlsServer: Server;
let tlsPort: number;
const tlsSeen: Seen[] = [];
let plainServer: ReturnType<typeof Bun.serve>;
const plainSeen: { host: string | null; path: string }[] = [];

beforeAll(async () => {
  tlsServer = createServer({ cert: certificate, key: privateKey }, (request, response) => {
    const socket = request.socket as typeof request.socket & { servername?: string };
    tlsSeen.push({
      host: request.headers.host,
      serverName: socket.servername,
      localAddress: socket.localAddress,
      path: request.url,
    });
    response.end("tls ok");
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, approved, resolve));
  tlsPort = (tlsServer.address() as AddressInfo).port;
  plainServer = Bun.serve({
    hostname: approved,
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      plainSeen.push({ host: request.headers.get("host"), path: `${url.pathname}${url.search}` });
      return new Response("plain ok");
    },
  });
});

afterAll(async () => {
  plainServer.stop(true);
  await new Promise((resolve) => tlsServer.close(resolve));
});

const pin = (hostname: string, ...addresses: string[]) => ({
  hostname,
  addresses: addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
});
const get = (): RequestInit => ({ method: "GET", headers: new Headers(), redirect: "manual" });

describe("pinned fetch over https", () => {
  test("connects to the pinned IP while SNI, the certificate check and Host use the real name", async () => {
    const fetchPinned = createPinnedFetch({ ca: certificate });
    const url = new URL(`https://${certificateName}:${tlsPort}/path?q=1`);
    const response = await fetchPinned(url, get(), pin(certificateName, approved));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("tls ok");
    expect(tlsSeen.at(-1)).toEqual({
      host: `${certificateName}:${tlsPort}`,
      serverName: certificateName,
      localAddress: approved,
      path: "/path?q=1",
    });
  });

  test("a certificate for another name fails, and the error names the host, not the IP", async () => {
    const before = tlsSeen.length;
    const fetchPinned = createPinnedFetch({ ca: certificate });
    const url = new URL(`https://other.test:${tlsPort}/secret-path`);
    const failure = await fetchPinned(url, get(), pin("other.test", approved)).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { code?: string }).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect((failure as Error).message).toContain(`https://other.test:${tlsPort}/secret-path`);
    expect((failure as Error).message).not.toContain(approved);
    expect(tlsSeen.length).toBe(before);
  });

  test("a failed hop with a credential in its query quotes neither the secret nor the pinned IP", async () => {
    const policy = {
      ...createDestinationPolicy([], async () => [{ address: approved, family: 4 }]),
      classify: (address: string) => (address === approved ? null : "private"),
    };
    const url = new URL(`https://other.test:${tlsPort}/search?q=cats`);
    const sent = sendRequest(
      { method: "GET", url, headers: new Headers() },
      {
        policy,
        fetch: createPinnedFetch({ ca: certificate }),
        signal: new AbortController().signal,
        maxRedirects: 0,
        credentials: (target) => {
          const withKey = new URL(target);
          withKey.searchParams.set("api_key", "query-secret");
          return withKey;
        },
      },
    );
    const failure = (await sent.catch((error: unknown) => error)) as Error & { code?: string };
    expect(failure.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    expect(failure.message).toContain(url.href);
    expect(failure.message).not.toContain("query-secret");
    expect(failure.message).not.toContain(approved);
    expect(failure.cause).toBeUndefined();
  });

  test("verification stays on: without the test CA the self-signed certificate is refused", async () => {
    const url = new URL(`https://${certificateName}:${tlsPort}/`);
    const failure = createPinnedFetch()(url, get(), pin(certificateName, approved));
    await expect(failure).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});

describe("pinned fetch over http", () => {
  test("sends the real Host header to the pinned address, overriding one the caller set", async () => {
    const init = get();
    init.headers = new Headers({ host: "internal.example", accept: "text/plain" });
    const url = new URL(`http://api.example.com:${plainServer.port}/items?page=2`);
    const response = await createPinnedFetch()(url, init, pin("api.example.com", approved));
    expect(await response.text()).toBe("plain ok");
    expect(plainSeen.at(-1)).toEqual({ host: `api.example.com:${plainServer.port}`, path: "/items?page=2" });
  });

  test("an approved address that refuses the connection gives way to the next approved one", async () => {
    const url = new URL(`http://two.example:${plainServer.port}/fallback`);
    const response = await createPinnedFetch()(url, get(), pin("two.example", "127.0.0.3", approved));
    expect(await response.text()).toBe("plain ok");
    expect(plainSeen.at(-1)?.path).toBe("/fallback");
  });

  test("addresses approved for one name are refused for another, before any connection", async () => {
    const before = plainSeen.length;
    const url = new URL(`http://evil.example:${plainServer.port}/`);
    const failure = createPinnedFetch()(url, get(), pin("api.example.com", approved));
    await expect(failure).rejects.toBeInstanceOf(RequestRefusedError);
    expect(plainSeen.length).toBe(before);
  });

  test("an IP literal is fetched as written, only when it is the address that was checked", async () => {
    const url = new URL(`http://${approved}:${plainServer.port}/literal`);
    const response = await createPinnedFetch()(url, get(), pin(approved, approved));
    expect(await response.text()).toBe("plain ok");
    expect(plainSeen.at(-1)).toEqual({ host: `${approved}:${plainServer.port}`, path: "/literal" });
    const other = createPinnedFetch()(
      new URL(`http://127.0.0.1:${plainServer.port}/`),
      get(),
      pin(approved, approved),
    );
    await expect(other).rejects.toBeInstanceOf(RequestRefusedError);
  });

  test("the rewritten URL keeps scheme, port, path, query and brackets an IPv6 address", () => {
    const url = new URL("https://user@api.example.com:8443/a/b?c=d#e");
    expect(pinnedUrl(url, "2606:4700::1111").href).toBe("https://user@[2606:4700::1111]:8443/a/b?c=d#e");
    expect(pinnedUrl(url, "93.184.216.34").href).toBe("https://user@93.184.216.34:8443/a/b?c=d#e");
  });
});
