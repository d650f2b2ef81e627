/**
 * The secret store wired into a real host (agent, approvals, tool pipeline, the real OpenAI SDK
 * against the fake server): the model names a mapped host, the host injects the credential, and
 * the value appears in no LLM request, chat message, database row or log line; a secret_request
 * sends its one-time link to the owner's chat only after approval, and the model never sees it.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { approvals } from "../../src/db/schema/index.ts";
import { createLogger } from "../../src/log.ts";
import { addCredentialMapping } from "../../src/secrets/mappings.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { createHttpRequestTool } from "../../tools/http-request/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

const token = "ghp_HostLevelSecretValue0123456789abcdefABCD";
type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
  for (const server of servers.splice(0)) server.stop(true);
});

async function everyRow(handle: DatabaseHandle): Promise<string> {
  const tables = (await handle.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'secrets'`,
  )) as unknown as { rows?: { table_name: string }[] } | { table_name: string }[];
  const names = (Array.isArray(tables) ? tables : (tables.rows ?? [])).map((row) => row.table_name);
  const dumps: string[] = [];
  for (const name of names) {
    dumps.push(JSON.stringify(await handle.db.execute(sql.raw(`select * from "${name}"`))));
  }
  return dumps.join("\n");
}

async function startWithStore(handle: DatabaseHandle, lines: string[], gatewayUrl?: string) {
  const store = createSecretStore({
    db: handle.db,
    home: mkdtempSync(join(tmpdir(), "ironclaw-host-secrets-")),
    environmentKey: "h".repeat(40),
  });
  const harness = await startHostHarness(handle, {
    tools: [createHttpRequestTool()],
    env: { HTTP_ALLOW_HOSTS: "127.0.0.1,localhost" },
    overrides: {
      secretStore: store,
      log: createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) }),
      ...(gatewayUrl ? { gatewayUrl: () => gatewayUrl } : {}),
    },
  });
  open.push(harness);
  return { harness, store };
}

forEachBackend("secrets in a running host", ({ database }) => {
  test("a mapped credential is injected for the model's request and leaks nowhere", async () => {
    const handle = await database();
    const seen: { host: string; authorization: string | null }[] = [];
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(request) {
        const authorization = request.headers.get("authorization");
        seen.push({ host: new URL(request.url).hostname, authorization });
        return Response.json({ authorized: authorization === `Bearer ${token}` });
      },
    });
    servers.push(server);
    const lines: string[] = [];
    const { harness, store } = await startWithStore(handle, lines);
    await store.set("github_token", token);
    await addCredentialMapping(handle.db, {
      secret: "github_token",
      hosts: ["127.0.0.1"],
      location: { type: "bearer" },
    });

    harness.llmServer.enqueue(
      {
        toolCalls: [
          {
            id: "h1",
            name: "http_request",
            arguments: JSON.stringify({ method: "GET", url: `http://127.0.0.1:${server.port}/user` }),
          },
        ],
      },
      {
        toolCalls: [
          {
            id: "h2",
            name: "http_request",
            arguments: JSON.stringify({ method: "GET", url: `http://localhost:${server.port}/user` }),
          },
        ],
      },
      { text: "Both requests done." },
    );
    await harness.channel.deliver("check my GitHub");
    // Approve each prompt once, in the order they come (a settled prompt may not show it yet).
    const pressed = new Set<string>();
    const nextPrompt = () =>
      harness.channel.sent.find((message) => message.prompt && !pressed.has(message.prompt.approvalId))
        ?.prompt;
    for (const _ of [1, 2]) {
      await harness.channel.waitFor(() => nextPrompt() !== undefined);
      const approvalId = nextPrompt()?.approvalId as string;
      pressed.add(approvalId);
      expect((await harness.channel.press(approvalId, "approve")).ok).toBe(true);
    }
    await harness.channel.waitFor(() => harness.channel.texts().includes("Both requests done."));
    await harness.host.queue.drain();

    expect(seen).toEqual([
      { host: "127.0.0.1", authorization: `Bearer ${token}` },
      { host: "localhost", authorization: null },
    ]);
    const toolResults = sentMessages(harness.llmServer.requests.at(-1))
      .filter((message) => message.role === "tool")
      .map((message) => message.content);
    expect(toolResults[0]).toContain('\\"authorized\\":true');
    expect(toolResults[1]).toContain('\\"authorized\\":false');
    expect(harness.llmServer.requests.map((request) => request.rawBody).join("\n")).not.toContain(token);
    expect(JSON.stringify(harness.channel.sent)).not.toContain(token);
    expect(await everyRow(handle)).not.toContain(token);
    expect(lines.some((line) => line.includes("credential injected"))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
  });

  test("secret_request asks first, then sends the link to the owner's chat and never to the model", async () => {
    const handle = await database();
    const lines: string[] = [];
    const { harness } = await startWithStore(handle, lines, "http://127.0.0.1:3999");
    harness.llmServer.enqueue({
      toolCalls: [
        {
          id: "s1",
          name: "secret_request",
          arguments: '{"name":"github_token","reason":"to read your issues"}',
        },
      ],
    });
    await harness.channel.deliver("you will need my GitHub token");
    await harness.channel.waitFor(() => harness.channel.sent.some((message) => message.prompt));
    expect(harness.channel.texts().join("\n")).not.toContain("/secrets/new/");
    const [approval] = await handle.db.select().from(approvals);
    harness.llmServer.enqueue({ text: "I sent you a link." });
    await harness.channel.press(approval?.id as string, "approve");
    await harness.channel.waitFor(() => harness.channel.texts().includes("I sent you a link."));
    await harness.host.queue.drain();
    const link = /http:\/\/127\.0\.0\.1:3999\/secrets\/new\/([A-Za-z0-9_-]{32})/.exec(
      harness.channel.texts().join("\n"),
    );
    expect(link).not.toBeNull();
    const sentToModel = harness.llmServer.requests.map((request) => request.rawBody).join("\n");
    expect(sentToModel).toContain("ironclaw secrets set github_token");
    expect(sentToModel).not.toContain(link?.[1] as string);
  });
});
