/**
 * The egress proxy from inside a real container: the job has no network, its tools reach the
 * host's proxy through the forwarder in its network namespace; an allowlisted loopback host
 * answers, one that is not listed is refused before any connection is made (CONNECT and plain
 * HTTP), a mapped credential is added by the proxy and is nowhere in the container, every
 * request is recorded, and nothing but the proxy is reachable (host ports, the engine socket).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { createEgressProxy, type EgressProxy, type EgressRecord } from "../../src/jobs/egress-proxy.ts";
import { silentLogger } from "../../src/log.ts";
import { type EgressTarget, startEgressTarget } from "../fakes/egress-target.ts";
import { createTestDatabase } from "../support/db.ts";
import { noEngine } from "./engine-support.ts";
import { createJobHarness, type JobHarness } from "./job-harness.ts";

// Containers start in about a second each; a loaded CI machine needs room.
setDefaultTimeout(90_000);

const secret = "Bearer sk-egress-test-0123456789";

/** Every IPv4 address of this host that is not loopback (a container must reach none). */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && entry.family === "IPv4" && !entry.internal)
    .map((entry) => entry!.address);
}

describe.skipIf(noEngine)("egress proxy from a real container", () => {
  let database: DatabaseHandle;
  let proxy: EgressProxy;
  let harness: JobHarness;
  let allowedTarget: EgressTarget;
  let refusedTarget: EgressTarget;
  let wideOpen: Server;
  let wideOpenPort: number;
  const records: EgressRecord[] = [];
  const socketRoot = mkdtempSync(join(tmpdir(), "ironclaw-egress-"));

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    allowedTarget = startEgressTarget("allowed", secret);
    refusedTarget = startEgressTarget("refused");
    proxy = await createEgressProxy({
      socketRoot,
      allowHosts: ["127.0.0.1"],
      log: silentLogger,
      inject: async ({ hostname: host }) =>
        host === "127.0.0.1" ? { name: "TEST_TOKEN", headers: { Authorization: secret } } : undefined,
      onRecord: (record) => records.push(record),
    });
    harness = createJobHarness(database, { proxy });
    // A host service on every address: reachable from a container only if isolation failed.
    wideOpen = createServer((socket) => socket.end("HTTP/1.0 200 OK\r\n\r\nwide-open-reached\n"));
    await new Promise<void>((resolve) => wideOpen.listen(0, "0.0.0.0", resolve));
    wideOpenPort = (wideOpen.address() as { port: number }).port;
  });
  afterAll(async () => {
    wideOpen.close();
    await proxy.close();
    await allowedTarget.stop();
    await refusedTarget.stop();
    await database.close();
  });

  const run = async (command: string) => {
    const job = await harness.service.start({ command, policy: "read-only" });
    const done = await harness.service.waitFor(job.id, 60_000);
    if (!done) throw new Error("job did not finish");
    return done;
  };

  test("plain HTTP: the allowlisted host answers, with the credential added by the proxy only", async () => {
    const job = await run(
      `wget -q -O- http://127.0.0.1:${allowedTarget.port}/hello; env; cat /proc/self/environ | tr '\\0' '\\n'`,
    );
    expect(job.output).toContain("allowed says hello on /hello (authorized)");
    expect(job.output).not.toContain("sk-egress-test");
    expect(allowedTarget.requests.at(-1)?.authorized).toBe(true);
    const record = records.find((entry) => entry.method === "GET" && entry.port === allowedTarget.port);
    expect(record).toMatchObject({ allowed: true, host: "127.0.0.1", credential: "TEST_TOKEN" });
    expect(record!.bytesDown).toBeGreaterThan(0);
  });

  test("a host that is not on the allowlist is refused before any connection", async () => {
    const before = refusedTarget.requests.length;
    const job = await run(
      `wget -q -O- http://localhost:${refusedTarget.port}/x || echo wget-refused; printf 'CONNECT localhost:${refusedTarget.port} HTTP/1.1\\r\\n\\r\\n' | nc 127.0.0.1 3128`,
    );
    expect(job.output).toContain("wget-refused");
    expect(job.output).toContain("403 Forbidden");
    expect(refusedTarget.requests.length).toBe(before);
    expect(
      records.filter((entry) => entry.host === "localhost" && !entry.allowed).length,
    ).toBeGreaterThanOrEqual(2);
  });

  test("CONNECT to an allowlisted host opens a tunnel", async () => {
    const job = await run(
      `printf 'CONNECT 127.0.0.1:${allowedTarget.port} HTTP/1.1\\r\\n\\r\\nGET /tunnel HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' | nc 127.0.0.1 3128`,
    );
    expect(job.output).toContain("200 Connection Established");
    expect(job.output).toContain("allowed says hello on /tunnel");
    // Tunnelled bytes are untouched: no credential is added inside a tunnel.
    expect(job.output).not.toContain("(authorized)");
  });

  test("nothing but the proxy is reachable: host ports, other addresses, the engine socket", async () => {
    const targets = ["10.88.0.1", "172.17.0.1", ...hostAddresses()];
    const probes = targets
      .map(
        (address) =>
          `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${address} ${wideOpenPort} || echo no-route-${address}`,
      )
      .join("; ");
    const job = await run(
      [
        probes,
        `unset http_proxy HTTP_PROXY; wget -T 3 -q -O- http://127.0.0.1:${allowedTarget.port}/direct || echo direct-refused`,
        "ls /run/podman/podman.sock /var/run/docker.sock 2>/dev/null || echo no-engine-socket",
        "ip -4 addr | grep inet",
      ].join("; "),
    );
    expect(job.output).not.toContain("wide-open-reached");
    for (const address of targets) expect(job.output).toContain(`no-route-${address}`);
    expect(job.output).toContain("direct-refused");
    expect(job.output).not.toContain("/direct");
    expect(job.output).toContain("no-engine-socket");
    // Only loopback inside.
    expect((job.output ?? "").match(/inet /g)?.length).toBe(1);
    expect(existsSync(join(harness.workspaceDir, "egress"))).toBe(false);
  });

  test("a job's forwarder and socket end with the job", async () => {
    await run("echo done");
    const forwarders = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(socketRoot);
        } catch {
          return false;
        }
      });
    expect(forwarders).toEqual([]);
    expect(readdirSync(socketRoot)).toEqual([]);
  });
});
