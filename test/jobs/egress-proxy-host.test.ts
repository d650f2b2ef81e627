/**
 * The egress proxy's decisions, driven over real TCP connections on the host (the same handler
 * the job's socket feeds): the allowlist is checked before any upstream connection, for
 * CONNECT and plain HTTP alike; plain HTTP to a mapped host gets the credential from the proxy;
 * a CONNECT tunnel carries bytes untouched; every request is recorded with its credential name.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAllowlist } from "../../src/jobs/egress-allowlist.ts";
import { createEgressProxy, type EgressProxy, type EgressRecord } from "../../src/jobs/egress-proxy.ts";
import { silentLogger } from "../../src/log.ts";
import { type EgressTarget, startEgressTarget } from "../fakes/egress-target.ts";

const secret = "Bearer sk-egress-host-test-0123456789";

/** Sends raw bytes to the proxy and returns everything it answers until it closes. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.write(request);
  });
}

describe("egress proxy (host side)", () => {
  let proxy: EgressProxy;
  let front: Server;
  let frontPort: number;
  let allowed: EgressTarget;
  let refused: EgressTarget;
  const records: EgressRecord[] = [];

  beforeAll(async () => {
    allowed = startEgressTarget("allowed", secret);
    refused = startEgressTarget("refused");
    proxy = await createEgressProxy({
      socketRoot: mkdtempSync(join(tmpdir(), "ironclaw-egress-host-")),
      allowHosts: ["127.0.0.1", "*.example.test"],
      log: silentLogger,
      inject: async ({ hostname: host }) =>
        host === "127.0.0.1" ? { name: "TEST_TOKEN", headers: { Authorization: secret } } : undefined,
      onRecord: (record) => records.push(record),
    });
    front = createServer({ allowHalfOpen: true }, (socket) => proxy.handle("job-1", socket));
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    frontPort = (front.address() as { port: number }).port;
  });
  afterAll(async () => {
    front.close();
    await proxy.close();
    await allowed.stop();
    await refused.stop();
  });

  test("plain HTTP to an allowlisted host: forwarded, credential added by the proxy, recorded", async () => {
    const answer = await exchange(
      frontPort,
      `GET http://127.0.0.1:${allowed.port}/plain HTTP/1.1\r\nHost: 127.0.0.1:${allowed.port}\r\n\r\n`,
    );
    expect(answer).toStartWith("HTTP/1.1 200");
    expect(answer).toContain("allowed says hello on /plain (authorized)");
    expect(allowed.requests.at(-1)).toMatchObject({ path: "/plain", authorized: true });
    const record = records.find((entry) => entry.method === "GET" && entry.port === allowed.port);
    expect(record).toMatchObject({
      jobId: "job-1",
      host: "127.0.0.1",
      allowed: true,
      credential: "TEST_TOKEN",
    });
    expect(record!.bytesDown).toBeGreaterThan(0);
  });

  test("a host off the allowlist is refused with 403 and never contacted (HTTP and CONNECT)", async () => {
    const before = refused.requests.length;
    const plain = await exchange(
      frontPort,
      `GET http://localhost:${refused.port}/x HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    const tunnel = await exchange(frontPort, `CONNECT localhost:${refused.port} HTTP/1.1\r\n\r\n`);
    const secure = await exchange(
      frontPort,
      `GET https://localhost:${refused.port}/x HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    );
    expect(secure).toStartWith("HTTP/1.1 403");
    expect(plain).toStartWith("HTTP/1.1 403");
    expect(tunnel).toStartWith("HTTP/1.1 403");
    expect(refused.requests.length).toBe(before);
    expect(records.filter((entry) => entry.host === "localhost" && !entry.allowed)).toHaveLength(3);
  });

  test("CONNECT to an allowlisted host tunnels the bytes untouched (no credential inside)", async () => {
    const answer = await exchange(
      frontPort,
      `CONNECT 127.0.0.1:${allowed.port} HTTP/1.1\r\n\r\nGET /tunnel HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(answer).toStartWith("HTTP/1.1 200 Connection Established");
    expect(answer).toContain("allowed says hello on /tunnel");
    expect(answer).not.toContain("(authorized)");
  });

  test("a client that half-closes after its request (busybox wget does) still gets the answer", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: frontPort, allowHalfOpen: true });
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString("latin1");
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      socket.end(`GET http://127.0.0.1:${allowed.port}/half HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    expect(answer).toContain("allowed says hello on /half");
  });

  test("garbage and non-http schemes are refused", async () => {
    expect(await exchange(frontPort, "hello\r\n\r\n")).toStartWith("HTTP/1.1 400");
    expect(await exchange(frontPort, "GET ftp://127.0.0.1/x HTTP/1.1\r\n\r\n")).toStartWith("HTTP/1.1 400");
  });
});

describe("egress allowlist", () => {
  test("exact hosts and *.globs; a glob does not match the bare domain; odd spellings never match", () => {
    const allowed = createAllowlist(["github.com", "*.npmjs.org", "PyPI.org."]);
    expect(allowed("github.com")).toBe(true);
    expect(allowed("GitHub.com.")).toBe(true);
    expect(allowed("registry.npmjs.org")).toBe(true);
    expect(allowed("npmjs.org")).toBe(false);
    expect(allowed("pypi.org")).toBe(true);
    expect(allowed("github.com.evil.test")).toBe(false);
    expect(allowed("evilgithub.com")).toBe(false);
    expect(allowed("user@github.com")).toBe(false);
    expect(allowed("github.com%2f")).toBe(false);
  });
});
