/**
 * The unit-convert WASM tool end to end, from a chat turn: built from tools/unit-convert/ by the
 * production builder, installed through the owner's install path, loaded by the host's
 * installed-tool set, found by the model through `tool_search` and called through the real agent loop and tool pipeline. The tool grants nothing, so it needs
 * no approval; its answer reaches the model as a data block.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostToolNames } from "../../../src/host/host-tool-names.ts";
import { createInstalledToolSet } from "../../../src/host/wasm-setup.ts";
import { silentLogger } from "../../../src/log.ts";
import { commitInstall, installWasmTool } from "../../../src/plugin/wasm/install.ts";
import { forEachBackend } from "../../support/db.ts";
import { startHostHarness } from "../../support/host.ts";
import { sentMessages } from "../../support/llm-requests.ts";
import { buildExampleArtifact, exampleManifestJson } from "../support/wasm-example.ts";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

forEachBackend("unit-convert WASM tool from a chat", ({ database }) => {
  test("the model finds the installed tool, calls it, and answers with its result", async () => {
    const handle = await database();
    const artifact = await buildExampleArtifact("unit-convert");
    const review = await installWasmTool({
      db: handle.db,
      bytes: artifact.component,
      manifest: await exampleManifestJson("unit-convert"),
      manifestSource: "unit-convert.capabilities.json",
      reservedNames: hostToolNames(),
    });
    await commitInstall(handle.db, review, hostToolNames());
    const home = mkdtempSync(join(tmpdir(), "ironclaw-unit-convert-chat-"));
    const harness = await startHostHarness(handle, {
      overrides: { installedToolSet: createInstalledToolSet({ home, db: handle.db, log: silentLogger }) },
    });
    closers.push(() => harness.close());

    harness.llmServer.enqueue(
      {
        toolCalls: [{ id: "s1", name: "tool_search", arguments: JSON.stringify({ query: "convert units" }) }],
      },
      {
        toolCalls: [
          {
            id: "c1",
            name: "unit-convert",
            arguments: JSON.stringify({ value: 10, from: "km", to: "mi" }),
          },
        ],
      },
      { text: "10 km is about 6.21 miles." },
    );
    await harness.channel.deliver("how many miles is 10 km?");
    await harness.channel.waitFor(
      () => harness.channel.texts().includes("10 km is about 6.21 miles."),
      60_000,
    );
    await harness.host.queue.drain();

    const requests = harness.llmServer.requests;
    const offered = (index: number) =>
      ((requests[index]?.body.tools as { function?: { name?: string } }[] | undefined) ?? []).map(
        (tool) => tool.function?.name,
      );
    // Offered to the model like a built-in tool (behind tool_search once many tools are installed).
    expect(offered(1)).toContain("unit-convert");
    const toolResults = sentMessages(requests.at(-1))
      .filter((message) => message.role === "tool")
      .map((message) => String(message.content));
    expect(toolResults).toHaveLength(2);
    expect(toolResults[0]).toContain("unit-convert");
    expect(toolResults[1]).toContain("6.21");
  }, 180_000);
});
