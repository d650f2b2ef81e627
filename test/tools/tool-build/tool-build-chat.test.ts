/**
 * tool_build from a chat, end to end: the real host (agent loop, tool pipeline, approvals,
 * installed-tool set, WASM runtime), the real OpenAI SDK against the scripted fake LLM, the real
 * builder. "Make me a tool that tells me how many days until a date": the model's first source
 * does not compile (it reads the error), the second passes its tests, the owner presses Approve
 * on a prompt that shows the hash and the tests, and the model calls the new tool in the same
 * turn. A network tool's prompt names the host it asks for; Deny installs nothing.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "../../../src/db/client.ts";
import { getWasmTool } from "../../../src/db/wasm-tools.ts";
import { createInstalledToolSet } from "../../../src/host/wasm-setup.ts";
import { silentLogger } from "../../../src/log.ts";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import {
  daysUntil,
  daysUntilBroken,
  daysUntilTests,
  githubStars,
} from "../../plugin/wasm/self-build/sources.ts";
import { forEachBackend } from "../../support/db.ts";
import { startHostHarness } from "../../support/host.ts";
import { sentMessages } from "../../support/llm-requests.ts";
import { startStarsFake } from "./stars-fake.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function buildCall(id: string, args: Record<string, unknown>) {
  return { toolCalls: [{ id, name: "tool_build", arguments: JSON.stringify(args) }] };
}

async function harnessWithInstalledTools(
  handle: DatabaseHandle,
  network?: ReturnType<typeof startStarsFake>["network"],
  env: Record<string, string> = {},
) {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-tool-build-chat-"));
  const harness = await startHostHarness(handle, {
    env,
    overrides: {
      installedToolSet: createInstalledToolSet({ home, db: handle.db, log: silentLogger }),
      ...(network ? { toolPorts: createToolPorts(network) } : {}),
    },
  });
  closers.push(() => harness.close());
  return harness;
}

const toolNames = (request: { body: Record<string, unknown> } | undefined) =>
  ((request?.body.tools as { function: { name: string } }[] | undefined) ?? []).map(
    (tool) => tool.function.name,
  );

forEachBackend("tool_build from a chat", ({ database }) => {
  test("days until a date: a failed build, a fixed one, the Approve button, used in the same turn", async () => {
    const handle = await database();
    const h = await harnessWithInstalledTools(handle);
    const request = { name: "days-until", description: "Days until a date (YYYY-MM-DD)", language: "ts" };
    h.llmServer.enqueue(
      buildCall("b1", { ...request, source: daysUntilBroken, tests: daysUntilTests }),
      buildCall("b2", { ...request, source: daysUntil, tests: daysUntilTests }),
      {
        toolCalls: [
          {
            id: "u1",
            name: "days-until",
            arguments: JSON.stringify({ date: "2026-12-25", today: "2026-12-01" }),
          },
        ],
      },
      { text: "24 days until Christmas." },
    );
    await h.channel.deliver("make me a tool that tells me how many days until a date");
    await h.channel.waitFor(
      () => h.channel.sent.some((message) => message.prompt?.tool === "tool_build"),
      120_000,
    );

    // The model read the compile error of its first attempt.
    const afterFirst = sentMessages(h.llmServer.requests[1]).filter((message) => message.role === "tool");
    expect(afterFirst[0]?.content).toContain("The build failed (attempt 1 of 3 in this turn)");
    // The owner's prompt: name, capabilities, hash, tests, source; "Always" is not offered.
    const prompt = h.channel.sent.find((message) => message.prompt)?.prompt;
    expect(prompt?.allowAlways).toBe(false);
    expect(prompt?.summary).toContain("Tool days-until, version 1");
    expect(prompt?.summary).toContain("Network: none.");
    expect(prompt?.summary).toMatch(/SHA-256: [0-9a-f]{64}/);
    expect(prompt?.summary).toContain("Tests: 2/2 passed in the sandbox");
    expect(prompt?.summary).toContain("ironclaw tools inspect days-until --source");
    const shownHash = /SHA-256: ([0-9a-f]{64})/.exec(prompt?.summary ?? "")?.[1];
    expect(await getWasmTool(handle.db, "days-until")).toBeUndefined();
    expect(toolNames(h.llmServer.requests[1])).not.toContain("days-until");

    expect((await h.channel.press(prompt?.approvalId ?? "", "approve")).ok).toBe(true);
    await h.channel.waitFor(() => h.channel.texts().includes("24 days until Christmas."), 120_000);
    await h.host.queue.drain();

    const row = await getWasmTool(handle.db, "days-until");
    expect(row?.sha256).toBe(shownHash);
    // The next LLM call of the same turn offered the new tool, and the model's call of it worked.
    expect(toolNames(h.llmServer.requests[2])).toContain("days-until");
    const results = sentMessages(h.llmServer.requests[3]).filter((message) => message.role === "tool");
    expect(results.map((message) => message.content)).toEqual([
      expect.stringContaining("The build failed"),
      expect.stringContaining(`Installed days-until version 1 (SHA-256 ${shownHash})`),
      JSON.stringify({ date: "2026-12-25", days: 24 }),
    ]);
  }, 300_000);

  test("a network tool's prompt names its host; Deny installs nothing and the model is told", async () => {
    const handle = await database();
    const fake = startStarsFake({ "acme/rocket": 42 });
    closers.push(fake.close);
    const h = await harnessWithInstalledTools(handle, fake.network);
    h.llmServer.enqueue(
      buildCall("s1", {
        name: "repo-stars",
        description: "Stars of a GitHub repository",
        source: githubStars,
        capabilities: { http: [{ host: "api.github.com", path_prefix: "/repos/", methods: ["GET"] }] },
        tests: [{ params: { repo: "acme/rocket" }, expect: { repo: "acme/rocket", stars: 42 } }],
      }),
      { text: "Understood, I did not install it." },
    );
    await h.channel.deliver("make me a tool that looks up a GitHub repository's stars");
    await h.channel.waitFor(
      () => h.channel.sent.some((message) => message.prompt?.tool === "tool_build"),
      120_000,
    );
    const prompt = h.channel.sent.find((message) => message.prompt)?.prompt;
    expect(prompt?.summary).toContain("Network: GET to api.github.com (paths under /repos).");
    expect(prompt?.summary).toContain("Tests: 1/1 passed in the sandbox");
    // The test ran in the sandbox through the guarded port, to the (fake) host it asked for.
    expect(fake.requests).toEqual(["/repos/acme/rocket"]);

    await h.channel.press(prompt?.approvalId ?? "", "deny");
    await h.channel.waitFor(() => h.channel.texts().includes("Understood, I did not install it."), 60_000);
    expect(await getWasmTool(handle.db, "repo-stars")).toBeUndefined();
    const told = sentMessages(h.llmServer.requests.at(-1)).find((message) => message.role === "tool");
    expect(told?.content).toContain("The owner denied this tool call");
  }, 300_000);

  test("TOOL_BUILD_MAX_ATTEMPTS limits the builds of one turn; nobody is asked", async () => {
    const handle = await database();
    const h = await harnessWithInstalledTools(handle, undefined, { TOOL_BUILD_MAX_ATTEMPTS: "1" });
    const request = { name: "days-until", description: "Days until a date", tests: daysUntilTests };
    h.llmServer.enqueue(
      buildCall("b1", { ...request, source: daysUntilBroken }),
      buildCall("b2", { ...request, source: daysUntil }),
      { text: "I could not build it." },
    );
    await h.channel.deliver("make me a days-until tool");
    await h.channel.waitFor(() => h.channel.texts().includes("I could not build it."), 120_000);
    const results = sentMessages(h.llmServer.requests.at(-1)).filter((message) => message.role === "tool");
    expect(results[0]?.content).toContain("attempt 1 of 1");
    expect(results[1]?.content).toContain("1 build attempts in this turn is the limit");
    expect(h.channel.sent.some((message) => message.prompt)).toBe(false);
    expect(await getWasmTool(handle.db, "days-until")).toBeUndefined();
  }, 300_000);
});
