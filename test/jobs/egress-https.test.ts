/**
 * HTTPS credential injection by the egress proxy. On the host: the per-install CA is made once
 * (key 0600) and reused; a client that trusts only that CA gets a valid certificate for the
 * mapped host from the proxy and the real host receives the credential; the real host's
 * certificate is checked (an untrusted one gets 502 and never sees the credential); an
 * unmapped host is tunnelled untouched. From a real container: the job reaches the mapped host
 * over HTTPS through the proxy, the host sees the credential, and neither the credential nor
 * the CA's private key is anywhere in the container.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { type EgressCa, loadEgressCa } from "../../src/jobs/egress-ca.ts";
import { createEgressProxy, type EgressProxy, type EgressRecord } from "../../src/jobs/egress-proxy.ts";
import { silentLogger } from "../../src/log.ts";
import { type EgressTarget, startEgressTarget } from "../fakes/egress-target.ts";
import { createTestDatabase } from "../support/db.ts";
import { noEngine } from "./engine-support.ts";
import { createJobHarness, type JobHarness } from "./job-harness.ts";

setDefaultTimeout(90_000);

const secret = "Bearer sk-egress-https-0123456789";

async function eventually<T>(find: () => T | undefined, timeoutMs = 5000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > deadline) return found;
    await Bun.sleep(20);
  }
}

describe("egress HTTPS interception", () => {
  let home: string;
  let installCa: EgressCa;
  let proxy: EgressProxy;
  let front: Server;
  let proxyUrl: string;
  let mapped: EgressTarget;
  let unmapped: EgressTarget;
  let untrusted: EgressTarget;
  let database: DatabaseHandle | undefined;
  const records: EgressRecord[] = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "ironclaw-egress-https-"));
    // The real hosts' certificates come from a test CA the proxy's upstream side trusts.
    const upstreamCa = await loadEgressCa(join(home, "upstream-test-ca"));
    const strangerCa = await loadEgressCa(join(home, "stranger-ca"));
    const ipLeaf = await upstreamCa.leafFor("127.0.0.1");
    const nameLeaf = await upstreamCa.leafFor("localhost");
    mapped = startEgressTarget("mapped", secret, { key: ipLeaf.privateKey, cert: ipLeaf.certificate });
    unmapped = startEgressTarget("unmapped", secret, {
      key: nameLeaf.privateKey,
      cert: nameLeaf.certificate,
    });
    const strangerLeaf = await strangerCa.leafFor("127.0.0.1");
    untrusted = startEgressTarget("untrusted", secret, {
      key: strangerLeaf.privateKey,
      cert: strangerLeaf.certificate,
    });
    installCa = await loadEgressCa(join(home, "egress"));
    proxy = await createEgressProxy({
      socketRoot: join(home, "sockets"),
      allowHosts: ["127.0.0.1", "localhost"],
      log: silentLogger,
      inject: async ({ hostname }) =>
        hostname === "127.0.0.1" ? { name: "TEST_TOKEN", headers: { Authorization: secret } } : undefined,
      interception: {
        ca: installCa,
        interceptHost: (host) => host === "127.0.0.1",
        upstreamCa: upstreamCa.certificate,
      },
      onRecord: (record) => records.push(record),
    });
    front = createServer({ allowHalfOpen: true }, (socket) => proxy.handle("job-https", socket));
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    front.close();
    await proxy.close();
    for (const target of [mapped, unmapped, untrusted]) await target.stop();
    await database?.close();
  });

  test("the CA is created once, its key 0600, and reused on the next load", async () => {
    const keyPath = join(home, "egress", "egress-ca.key");
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath, "utf8")).toContain("PRIVATE KEY");
    expect(installCa.certificate).not.toContain("PRIVATE KEY");
    const again = await loadEgressCa(join(home, "egress"));
    expect(again.certificate).toBe(installCa.certificate);
  });

  test("a mapped host: the proxy's certificate verifies against the CA and the host gets the credential", async () => {
    const response = await fetch(`https://127.0.0.1:${mapped.port}/secure`, {
      proxy: proxyUrl,
      tls: { ca: installCa.certificate },
    } as RequestInit);
    expect(await response.text()).toBe("mapped says hello on /secure (authorized)\n");
    const request = records.find((entry) => entry.method === "GET" && entry.port === mapped.port);
    expect(request).toMatchObject({ jobId: "job-https", host: "127.0.0.1", credential: "TEST_TOKEN" });
  });

  test("the real host's certificate is checked: an untrusted one gets 502 and no credential", async () => {
    const response = await fetch(`https://127.0.0.1:${untrusted.port}/x`, {
      proxy: proxyUrl,
      tls: { ca: installCa.certificate },
    } as RequestInit);
    expect(response.status).toBe(502);
    expect(untrusted.requests).toHaveLength(0);
  });

  test("an unmapped allowlisted host is tunnelled untouched (its own certificate, no credential)", async () => {
    const response = await fetch(`https://localhost:${unmapped.port}/plain`, {
      proxy: proxyUrl,
      tls: { ca: installCa.certificate },
    } as RequestInit).catch((error: unknown) => error as Error);
    // The job sees the real host's certificate, which the install CA did not sign.
    expect(response).toBeInstanceOf(Error);
    // A tunnel is recorded once it closes.
    const tunnelled = await eventually(() =>
      records.find((entry) => entry.method === "CONNECT" && entry.port === unmapped.port),
    );
    expect(tunnelled).toMatchObject({ allowed: true });
    expect(tunnelled?.intercepted).toBeUndefined();
    expect(unmapped.requests.every((request) => !request.authorized)).toBe(true);
  });

  describe.skipIf(noEngine)("from a real container", () => {
    let harness: JobHarness;
    beforeAll(async () => {
      database = await createTestDatabase("pglite");
      harness = createJobHarness(database, { proxy });
    });

    test("the job reaches the mapped host over HTTPS; the credential and the CA key stay outside", async () => {
      const job = await harness.service.start({
        command: [
          `wget -q -O- https://127.0.0.1:${mapped.port}/from-job`,
          "env; cat /proc/self/environ | tr '\\0' '\\n'",
          "grep -rl sk-egress-https /etc /home /run /tmp /var /workspace 2>/dev/null || echo no-secret-file",
          "grep -rl 'PRIVATE KEY' /etc /home /run /tmp /var /workspace 2>/dev/null || echo no-private-key",
          "grep -c 'BEGIN CERTIFICATE' /etc/ssl/certs/ca-certificates.crt",
        ].join("; "),
        policy: "read-only",
      });
      const done = await harness.service.waitFor(job.id, 60_000);
      const output = done?.output ?? "";
      expect(output).toContain("mapped says hello on /from-job (authorized)");
      expect(mapped.requests.at(-1)).toMatchObject({ path: "/from-job", authorized: true });
      expect(output).not.toContain("sk-egress-https");
      expect(output).toContain("no-secret-file");
      expect(output).toContain("no-private-key");
      expect(output).toContain("SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt");
      const record = records.find(
        (entry) => entry.method === "GET" && entry.port === mapped.port && entry.jobId === job.id,
      );
      expect(record).toMatchObject({ host: "127.0.0.1", credential: "TEST_TOKEN" });
    });
  });
});
