/**
 * The four job tools over the real job service and engine: what the owner is shown before a
 * run, what the model gets back, a long job answering "running" at once, status, output,
 * cancel, and refusals as results.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { createJobsPort } from "../../src/jobs/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createJobTools } from "../../tools/jobs/index.ts";
import { createTestDatabase } from "../support/db.ts";
import { createTestToolContext } from "../support/tool-context.ts";
import { engineFixture, noEngine } from "./engine-support.ts";
import { createJobHarness } from "./job-harness.ts";

// Containers start in about a second each; a loaded CI machine needs room.
setDefaultTimeout(90_000);

describe.skipIf(noEngine)("job tools on a real engine", () => {
  let database: DatabaseHandle;
  let tools: Map<string, Tool>;
  let harness: ReturnType<typeof createJobHarness>;
  const context = createTestToolContext({ conversationId: randomUUID(), turnId: randomUUID() });
  const call = async (name: string, params: Record<string, unknown>) => {
    const result = await tools.get(name)!.execute(params, context);
    return { ...result, json: JSON.parse(result.content) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    harness = createJobHarness(database, { maxParallel: 2 });
    const port = createJobsPort({
      service: harness.service,
      docker: engineFixture!.engine.docker,
      defaultTimeoutMs: 120_000,
      waitMs: 3_000,
    });
    tools = new Map(createJobTools(port).map((tool) => [tool.name, tool]));
  });
  afterAll(async () => {
    await database.close();
  });

  test("job_run asks every time, showing the exact command, the policy and destructive marks", async () => {
    const run = tools.get("job_run")!;
    expect(run.approval).toBe("always");
    expect(run.risk).toBe("exec");
    const summary = await run.summarize!({
      command: "rm -rf /workspace/build && make",
      policy: "workspace-write",
    });
    expect(summary).toContain("$ rm -rf /workspace/build && make");
    expect(summary).toContain("workspace-write");
    expect(summary).toContain("⚠ destructive");
    const full = await run.summarize!({ command: "ls /host", policy: "full-access" });
    expect(full).toContain("FULL ACCESS");
    expect(await run.summarize!({ command: "ls" })).not.toContain("destructive");
    expect(await run.precheck!({ command: "ls" }, context)).toBeNull();
  });

  test("a quick job returns its output; a failing one is an error result", async () => {
    const ok = await call("job_run", { command: "echo from-the-sandbox" });
    expect(ok.isError).toBe(false);
    expect(ok.json).toMatchObject({ status: "succeeded", exit_code: 0, output: "from-the-sandbox\n" });
    const failed = await call("job_run", { command: "echo oops >&2; exit 3" });
    expect(failed.isError).toBe(true);
    expect(failed.json).toMatchObject({ status: "failed", exit_code: 3 });
  });

  test("a long job answers running at once; status, output and cancel follow it", async () => {
    const started = await call("job_run", { command: "echo begun; sleep 60", timeout_seconds: 90 });
    expect(started.json.status).toBe("running");
    expect(String(started.json.note)).toContain("posted to this chat");
    const jobId = String(started.json.job_id);
    const status = await call("job_status", { job_id: jobId });
    expect(status.json.status).toBe("running");
    const output = await call("job_output", { job_id: jobId });
    expect(output.json.output).toContain("begun");
    const cancelled = await call("job_cancel", { job_id: jobId });
    expect(cancelled.json.status).toBe("cancelled");
    const again = await call("job_cancel", { job_id: jobId });
    expect(again.json.note).toBe("the job had already ended");
  });

  test("a cancelled turn stops waiting at once; the job goes on and its end is posted to the chat", async () => {
    const turn = new AbortController();
    const conversationId = randomUUID();
    // A port that would wait a minute: only the abort can end the wait before the job ends.
    const patient = createJobsPort({
      service: harness.service,
      docker: engineFixture!.engine.docker,
      defaultTimeoutMs: 120_000,
      waitMs: 60_000,
    });
    const run = createJobTools(patient).find((tool) => tool.name === "job_run")!;
    const running = run.execute(
      { command: "sleep 3; echo done-later" },
      { ...context, conversationId, signal: turn.signal },
    );
    for (let waited = 0; harness.service.running().length === 0 && waited < 60_000; waited += 50)
      await Bun.sleep(50);
    turn.abort();
    const result = JSON.parse((await running).content) as Record<string, unknown>;
    expect(result.status).toBe("running"); // answered before the job's end, not at it
    expect(harness.service.running()).toContain(String(result.job_id));
    for (let waited = 0; harness.delivered.length === 0 && waited < 60_000; waited += 100)
      await Bun.sleep(100);
    expect(harness.delivered).toHaveLength(1);
    expect(harness.delivered[0]?.conversationId).toBe(conversationId);
    expect(harness.delivered[0]?.text).toContain("done-later");
    harness.delivered.length = 0;
  });

  test("unknown ids and a full cap are results for the model", async () => {
    expect((await call("job_status", { job_id: "not-a-job" })).json.error).toBe("not_found");
    expect((await call("job_output", { job_id: randomUUID() })).json.error).toBe("not_found");
    const first = await call("job_run", { command: "sleep 30" });
    const second = await call("job_run", { command: "sleep 30" });
    const third = await call("job_run", { command: "sleep 30" });
    expect(third.isError).toBe(true);
    expect(third.json.error).toBe("job_limit_reached");
    await call("job_cancel", { job_id: String(first.json.job_id) });
    await call("job_cancel", { job_id: String(second.json.job_id) });
  });
});
