/**
 * The github WASM tool end to end, from a chat turn: built from tools/github/github.ts by the
 * production builder, installed through the owner's install path (review → commit, which maps
 * the manifest's credential), loaded by the host's installed-tool set, and called by a scripted
 * model through the real agent loop, tool pipeline and OpenAI SDK. The only fakes are at the
 * network edge: the LLM server and GitHub's two endpoints. The fake GitHub must see the stored
 * token as a bearer; the model must get the compact result; the token must appear in no LLM
 * request, chat message or tool output.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostToolNames } from "../../../src/host/host-tool-names.ts";
import { createInstalledToolSet } from "../../../src/host/wasm-setup.ts";
import { createLogger } from "../../../src/log.ts";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import { createStoreSecretsPort } from "../../../src/plugin/ports/secrets-port.ts";
import { commitInstall, installWasmTool } from "../../../src/plugin/wasm/install.ts";
import { createCredentialInjector } from "../../../src/secrets/injector.ts";
import { createSecretStore } from "../../../src/secrets/store.ts";
import { startGitHubFake } from "../../fakes/github/github-fake.ts";
import { routeToGitHubFake } from "../../fakes/github/route-to-fake.ts";
import { forEachBackend } from "../../support/db.ts";
import { startHostHarness } from "../../support/host.ts";
import { sentMessages } from "../../support/llm-requests.ts";
import { buildExampleArtifact, exampleManifestJson } from "../support/wasm-example.ts";

const token = "ghp_EndToEndSecretToken0123456789abcdefABCD";
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

forEachBackend("github WASM tool from a chat", ({ database }) => {
  test("the model searches and reads an issue; GitHub sees the injected token, the model never does", async () => {
    const handle = await database();
    const fake = startGitHubFake({ token });
    closers.push(() => fake.close());
    fake.addIssue({
      repo: "acme/rocket",
      number: 7,
      title: "Engine stalls on launch",
      labels: ["bug"],
      body: "Stalls at T-3.",
    });
    const home = mkdtempSync(join(tmpdir(), "ironclaw-github-chat-"));
    const lines: string[] = [];
    const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });

    // The owner stores the token, then installs the tool (the install maps the credential).
    const store = createSecretStore({ db: handle.db, home, environmentKey: "g".repeat(40) });
    await store.set("github_token", token);
    const artifact = await buildExampleArtifact("github");
    const review = await installWasmTool({
      db: handle.db,
      bytes: artifact.component,
      manifest: await exampleManifestJson("github"),
      manifestSource: "github.capabilities.json",
      reservedNames: hostToolNames(),
    });
    await commitInstall(handle.db, review, hostToolNames());

    const network = routeToGitHubFake(fake);
    const harness = await startHostHarness(handle, {
      overrides: {
        log,
        secretStore: store,
        installedToolSet: createInstalledToolSet({ home, db: handle.db, log }),
        toolPorts: createToolPorts({
          ...network,
          credentials: createCredentialInjector({ db: handle.db, store, log }),
          secrets: createStoreSecretsPort(store.exists),
        }),
      },
    });
    closers.push(() => harness.close());

    harness.llmServer.enqueue(
      {
        toolCalls: [
          {
            id: "s1",
            name: "github",
            arguments: JSON.stringify({ action: "search", query: "repo:acme/rocket engine" }),
          },
        ],
      },
      {
        toolCalls: [
          {
            id: "g1",
            name: "github",
            arguments: JSON.stringify({ action: "get", repo: "acme/rocket", number: 7 }),
          },
        ],
      },
      { text: "Issue #7: the engine stalls at T-3." },
    );
    await harness.channel.deliver("what is the open engine issue in acme/rocket?");
    await harness.channel.waitFor(
      () => harness.channel.texts().includes("Issue #7: the engine stalls at T-3."),
      60_000,
    );
    await harness.host.queue.drain();

    // GitHub saw both requests with the stored token as the bearer.
    expect(fake.requests.map((request) => [request.path, request.authorization])).toEqual([
      ["/search/issues", `Bearer ${token}`],
      ["/repos/acme/rocket/issues/7", `Bearer ${token}`],
    ]);
    // The model got the compact results.
    const toolResults = sentMessages(harness.llmServer.requests.at(-1))
      .filter((message) => message.role === "tool")
      .map((message) => String(message.content));
    expect(toolResults).toHaveLength(2);
    expect(toolResults[0]).toContain("Engine stalls on launch");
    expect(toolResults[0]).toContain("total_count");
    expect(toolResults[0]).not.toContain("avatar_url");
    expect(toolResults[1]).toContain("Stalls at T-3.");
    expect(toolResults.join("\n")).not.toContain(token);
    // The token is nowhere the model, the chat or the logs can see.
    const llmTraffic = harness.llmServer.requests.map((request) => request.rawBody).join("\n");
    expect(llmTraffic).toContain("Engine stalls on launch");
    expect(llmTraffic).not.toContain(token);
    expect(JSON.stringify(harness.channel.sent)).not.toContain(token);
    expect(lines.join("\n")).not.toContain(token);
  }, 180_000);
});
