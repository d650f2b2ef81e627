/**
 * Each policy's view of the world, on a real engine: what the workspace looks like, what can be
 * written, which network exists, which sockets are reachable.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { JobPolicy } from "../../src/db/schema/jobs.ts";
import { createTestDatabase } from "../support/db.ts";
import { noEngine } from "./engine-support.ts";
import { createJobHarness, type JobHarness } from "./job-harness.ts";

// Containers start in about a second each; a loaded CI machine needs room.
setDefaultTimeout(90_000);

describe.skipIf(noEngine)("job policies on a real engine", () => {
  let database: DatabaseHandle;
  let harness: JobHarness;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    harness = createJobHarness(database);
    writeFileSync(join(harness.workspaceDir, "notes.txt"), "owner notes\n", { mode: 0o600 });
  });
  afterAll(async () => {
    await database.close();
  });

  const run = async (command: string, policy: JobPolicy = "read-only") => {
    const job = await harness.service.start({
      command,
      policy,
      conversationId: randomUUID(),
      turnId: randomUUID(),
    });
    const done = await harness.service.waitFor(job.id, 60_000);
    if (!done) throw new Error("job did not finish");
    return done;
  };

  test("read-only: the workspace is readable, nothing is writable but /tmp", async () => {
    const job = await run(
      "cat /workspace/notes.txt; id -u; echo x > /workspace/new.txt || echo ws-refused; touch /etc/x || echo root-refused; echo t > /tmp/t && cat /tmp/t",
    );
    expect(job.status).toBe("succeeded");
    expect(job.output).toContain("owner notes");
    expect(job.output).toContain("ws-refused");
    expect(job.output).toContain("root-refused");
    expect(job.output).toMatch(/\nt\n?$/);
    expect(job.output).not.toMatch(/^0$/m);
    expect(existsSync(join(harness.workspaceDir, "new.txt"))).toBe(false);
  });

  test("workspace-write: writes land in the workspace, the root filesystem stays read-only", async () => {
    const job = await run(
      "echo made-in-job > /workspace/made.txt; touch /bin/x || echo root-refused",
      "workspace-write",
    );
    expect(job.status).toBe("succeeded");
    expect(readFileSync(join(harness.workspaceDir, "made.txt"), "utf8")).toBe("made-in-job\n");
    expect(job.output).toContain("root-refused");
  });

  test("full-access: the host's filesystem is at /host", async () => {
    const marker = join(harness.workspaceDir, "marker.txt");
    writeFileSync(marker, "host-side\n", { mode: 0o644 });
    const job = await run(
      `test -d /host/proc/1 && echo host-root-visible; cat /host${marker}`,
      "full-access",
    );
    expect(job.output).toContain("host-root-visible");
    expect(job.output).toContain("host-side");
  });

  test("no capabilities, no new privileges, no network but loopback", async () => {
    const job = await run(
      "grep -E '^Cap(Eff|Bnd)|NoNewPrivs' /proc/self/status; ip -o link | cut -d: -f2; wget -q -T 2 -O- http://1.1.1.1/ || echo net-refused",
    );
    expect(job.output).toMatch(/CapEff:\s+0000000000000000/);
    expect(job.output).toMatch(/CapBnd:\s+0000000000000000/);
    expect(job.output).toMatch(/NoNewPrivs:\s+1/);
    expect(job.output).toContain("net-refused");
    expect(job.output?.match(/^ \S+$/gm)).toEqual([" lo"]);
  });

  test("the engine socket is not reachable from inside", async () => {
    const job = await run(
      "for s in /run/podman/podman.sock /var/run/docker.sock /run/docker.sock; do [ -e $s ] && echo found $s; done; find / -xdev -type s 2>/dev/null; echo checked",
      "workspace-write",
    );
    expect(job.output).not.toContain("found");
    expect(job.output?.trim()).toBe("checked");
  });
});
