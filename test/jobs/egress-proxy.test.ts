/**
 * The egress proxy from inside a real container: the job has no network, its tools reach the
 * host's proxy through the FIFO bridge; an allowlisted loopback host answers, one that is not
 * listed is refused before any connection is made (CONNECT and plain HTTP), a mapped credential
 * is added by the proxy and is nowhere in the container, and every request is recorded.
 *
 * Opt-in (IRONCLAW_TEST_EGRESS_BRIDGE=1): the bridge still stalls in some runs (see
 * src/jobs/egress-bridge.ts), so these are not reliable enough for CI yet;
 * egress-proxy-host.test.ts covers the proxy itself.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
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

const bridgeTests = process.env.IRONCLAW_TEST_EGRESS_BRIDGE === "1";

describe.skipIf(noEngine || !bridgeTests)("egress proxy from a real container", () => {
  let database: DatabaseHandle;
  let proxy: EgressProxy;
  let harness: JobHarness;
  let allowedTarget: EgressTarget;
  let refusedTarget: EgressTarget;
  const records: EgressRecord[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    allowedTarget = startEgressTarget("allowed", secret);
    refusedTarget = startEgressTarget("refused");
    proxy = await createEgressProxy({
      socketRoot: mkdtempSync(join(tmpdir(), "ironclaw-egress-")),
      allowHosts: ["127.0.0.1"],
      log: silentLogger,
      inject: async ({ hostname: host }) =>
        host === "127.0.0.1" ? { name: "TEST_TOKEN", headers: { Authorization: secret } } : undefined,
      onRecord: (record) => records.push(record),
    });
    harness = createJobHarness(database, { proxy });
  });
  afterAll(async () => {
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
      `printf 'CONNECT 127.0.0.1:${allowedTarget.port} HTTP/1.1\\r\\n\\r\\nGET /tunnel HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 3128`,
    );
    expect(job.output).toContain("200 Connection Established");
    expect(job.output).toContain("allowed says hello on /tunnel");
    // Tunnelled bytes are untouched: no credential is added inside a tunnel.
    expect(job.output).not.toContain("(authorized)");
  });
});
