/**
 * Container jobs through the whole host: the model calls job_run, the owner sees the exact
 * command in the approval prompt, approves, the job runs in the sandbox, the model gets the
 * output, and the job's events reach the bus. A host without an engine offers no job tool.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { AgentEvent } from "../../src/agent/events.ts";
import { loadConfig } from "../../src/config.ts";
import { approvals } from "../../src/db/schema/index.ts";
import { readJobsConfig } from "../../src/jobs/jobs-config.ts";
import { createTestDatabase } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { engineFixture, noEngine } from "./engine-support.ts";

setDefaultTimeout(90_000);

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

describe.skipIf(noEngine)("container jobs through the host", () => {
  test("job_run asks with the exact command, runs after approval, and its output reaches the model", async () => {
    const database = await createTestDatabase("pglite");
    const jobs = readJobsConfig(loadConfig({ env: {} }));
    const harness = await startHostHarness(database, {
      overrides: { jobEngine: { ok: true, engine: engineFixture!.engine, jobs } },
    });
    open.push(harness, database);
    const events: AgentEvent[] = [];
    harness.host.bus.subscribe((event) => {
      events.push(event);
    });
    harness.llmServer.enqueue({
      toolCalls: [
        { id: "call_1", name: "job_run", arguments: JSON.stringify({ command: "echo from-a-job; id -u" }) },
      ],
    });
    await harness.channel.deliver("run it");
    await harness.channel.waitFor(() => harness.channel.sent.some((message) => message.prompt));
    const prompt = harness.channel.sent.find((message) => message.prompt)?.prompt;
    expect(prompt?.tool).toBe("job_run");
    expect(prompt?.summary).toContain("$ echo from-a-job; id -u");
    const [row] = await database.db.select().from(approvals);

    harness.llmServer.enqueue({ text: "It printed from-a-job." });
    await harness.channel.press(row!.id, "approve");
    await harness.channel.waitFor(() => harness.channel.texts().includes("It printed from-a-job."));
    const toolMessage = JSON.stringify(harness.llmServer.requests.at(-1)?.body);
    expect(toolMessage).toContain("from-a-job");
    expect(toolMessage).toContain("succeeded");
    expect(events.map((event) => event.type)).toContain("job-started");
    expect(events.map((event) => event.type)).toContain("job-result");
  });
});

test("a host without an engine offers no job tool", async () => {
  const database = await createTestDatabase("pglite");
  const harness = await startHostHarness(database, {
    overrides: {
      jobEngine: { ok: false, reason: "no engine here", jobs: readJobsConfig(loadConfig({ env: {} })) },
    },
  });
  open.push(harness, database);
  expect(harness.host.registry.tools().map((tool) => tool.name)).not.toContain("job_run");
});
