/**
 * A held build survives a restart: the model builds "days-until" in a chat, the turn pauses on
 * the owner's approval, the host stops (the held build is a database row, not memory), a new host
 * starts on the same database, and the owner presses Approve there. The stored call installs
 * exactly the bytes whose SHA-256 the prompt showed, and the model is offered the tool and uses it
 * in the resumed turn. A denied build's row is swept; a row whose bytes changed is refused.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../../src/db/client.ts";
import { wasmToolBuilds } from "../../../src/db/schema/index.ts";
import { sweepWasmToolBuilds } from "../../../src/db/wasm-tool-builds.ts";
import { getWasmTool } from "../../../src/db/wasm-tools.ts";
import { createInstalledToolSet } from "../../../src/host/wasm-setup.ts";
import { silentLogger } from "../../../src/log.ts";
import { sha256Hex } from "../../../src/plugin/wasm/install.ts";
import type { Script } from "../../fakes/llm/scripted-server.ts";
import { daysUntil, daysUntilTests } from "../../plugin/wasm/self-build/sources.ts";
import { forEachBackend } from "../../support/db.ts";
import { startHostHarness } from "../../support/host.ts";
import { sentMessages } from "../../support/llm-requests.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const buildArguments = {
  name: "days-until",
  description: "Days until a date (YYYY-MM-DD)",
  language: "ts",
  source: daysUntil,
  tests: daysUntilTests,
};

async function startHost(handle: DatabaseHandle, script: Script[] = []) {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-tool-build-restart-"));
  const harness = await startHostHarness(handle, {
    script,
    overrides: { installedToolSet: createInstalledToolSet({ home, db: handle.db, log: silentLogger }) },
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await harness.close();
  };
  closers.push(close);
  return { ...harness, close };
}

/** First life: the chat up to the approval prompt; returns the prompt and the host. */
async function pauseOnApproval(handle: DatabaseHandle) {
  const first = await startHost(handle);
  first.llmServer.enqueue({
    toolCalls: [{ id: "b1", name: "tool_build", arguments: JSON.stringify(buildArguments) }],
  });
  await first.channel.deliver("make me a tool that tells me how many days until a date");
  await first.channel.waitFor(
    () => first.channel.sent.some((message) => message.prompt?.tool === "tool_build"),
    120_000,
  );
  const prompt = first.channel.sent.find((message) => message.prompt)?.prompt;
  const shownHash = /SHA-256: ([0-9a-f]{64})/.exec(prompt?.summary ?? "")?.[1] as string;
  expect(shownHash).toHaveLength(64);
  await first.host.queue.drain();
  return { first, approvalId: prompt?.approvalId ?? "", shownHash };
}

forEachBackend("tool_build across a restart", ({ database }) => {
  test("approved on a new host: exactly the held bytes are installed and the model uses the tool", async () => {
    const handle = await database();
    const { first, approvalId, shownHash } = await pauseOnApproval(handle);
    await first.close();
    expect(await getWasmTool(handle.db, "days-until")).toBeUndefined();
    const [held] = await handle.db.select().from(wasmToolBuilds);
    expect(held?.sha256).toBe(shownHash);

    const second = await startHost(handle);
    second.llmServer.enqueue(
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
    expect((await second.channel.press(approvalId, "approve")).ok).toBe(true);
    await second.channel.waitFor(() => second.channel.texts().includes("24 days until Christmas."), 120_000);
    await second.host.queue.drain();

    const row = await getWasmTool(handle.db, "days-until");
    expect(row?.sha256).toBe(shownHash);
    expect(sha256Hex(row?.binary as Uint8Array)).toBe(shownHash);
    expect(row?.source).toBe(daysUntil);
    // The resumed turn's first LLM call offered the tool; its call worked.
    const toolNames = (
      (second.llmServer.requests[0]?.body.tools as { function: { name: string } }[]) ?? []
    ).map((tool) => tool.function.name);
    expect(toolNames).toContain("days-until");
    const results = sentMessages(second.llmServer.requests[1]).filter((message) => message.role === "tool");
    expect(results.map((message) => message.content)).toEqual([
      expect.stringContaining(`Installed days-until version 1 (SHA-256 ${shownHash})`),
      JSON.stringify({ date: "2026-12-25", days: 24 }),
    ]);
    // The held build is used up.
    expect(await handle.db.select().from(wasmToolBuilds)).toEqual([]);
  }, 300_000);

  test("held bytes changed while the host was down: the approved call installs nothing", async () => {
    const handle = await database();
    const { first, approvalId, shownHash } = await pauseOnApproval(handle);
    await first.close();
    const [held] = await handle.db.select().from(wasmToolBuilds);
    const tampered = new Uint8Array(held?.binary as Uint8Array);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    await handle.db
      .update(wasmToolBuilds)
      .set({ binary: tampered })
      .where(eq(wasmToolBuilds.sha256, shownHash));

    const second = await startHost(handle, []);
    second.llmServer.enqueue({ text: "It was not installed." });
    expect((await second.channel.press(approvalId, "approve")).ok).toBe(true);
    await second.channel.waitFor(() => second.channel.texts().includes("It was not installed."), 120_000);
    await second.host.queue.drain();
    expect(await getWasmTool(handle.db, "days-until")).toBeUndefined();
    const told = sentMessages(second.llmServer.requests.at(-1)).find((message) => message.role === "tool");
    expect(told?.content).toContain("does not match the SHA-256 the owner approved; nothing was installed");
    expect(await handle.db.select().from(wasmToolBuilds)).toEqual([]);
  }, 300_000);

  test("a pending approval keeps its held build; once denied, the sweep deletes it", async () => {
    const handle = await database();
    const { first, approvalId } = await pauseOnApproval(handle);
    const sweep = () =>
      sweepWasmToolBuilds(handle.db, {
        // Past the fresh-row grace, within the approval's 30 minutes.
        now: new Date(Date.now() + 11 * 60_000),
        tool: "tool_build",
        freshMs: 10 * 60_000,
        approvedMs: 24 * 60 * 60_000,
      });
    expect(await sweep()).toBe(0);
    expect(await handle.db.select().from(wasmToolBuilds)).toHaveLength(1);
    first.llmServer.enqueue({ text: "Not installed." });
    await first.channel.press(approvalId, "deny");
    await first.channel.waitFor(() => first.channel.texts().includes("Not installed."), 60_000);
    expect(await sweep()).toBe(1);
    expect(await handle.db.select().from(wasmToolBuilds)).toEqual([]);
  }, 300_000);
});
