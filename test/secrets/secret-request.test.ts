/**
 * secret_request end to end below the agent: the tool asks, the owner's chat gets a one-time
 * link the model never sees, the gateway form stores the value once, and a used, expired or
 * malformed link stores nothing. No value appears in the page, the chat, the tool result or a log.
 */
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../src/db/client.ts";
import { startGateway } from "../../src/gateway/server.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { createSecretRequestRoutes } from "../../src/secrets/secret-request-routes.ts";
import { createSecretRequestService } from "../../src/secrets/secret-requests.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { createSecretRequestTool } from "../../tools/secret-request/index.ts";
import { createTestDatabase, forEachBackend } from "../support/db.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const value = "xoxb-1234567890-RequestFormValue-abcdefghij";
const control = { idleTimeout: () => {} };

function setUp(db: Database, options: { gateway?: boolean; now?: () => Date } = {}) {
  const chat: string[] = [];
  const lines: string[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(line) });
  const store = createSecretStore({
    db,
    home: mkdtempSync(join(tmpdir(), "ironclaw-request-")),
    environmentKey: "r".repeat(40),
  });
  const service = createSecretRequestService({
    db,
    store,
    gatewayUrl: () => (options.gateway === false ? undefined : "http://127.0.0.1:3000"),
    deliver: async (_conversationId, text) => {
      chat.push(text);
      return true;
    },
    ...(options.now ? { now: options.now } : {}),
  });
  const route = createSecretRequestRoutes(service, log);
  const tool = createSecretRequestTool(service.port);
  const call = async (method: string, path: string, body?: string) => {
    const url = new URL(`http://127.0.0.1:3000${path}`);
    const init: RequestInit =
      body === undefined
        ? { method }
        : { method, body, headers: { "content-type": "application/x-www-form-urlencoded" } };
    const response = await route(new Request(url.href, init), url, control);
    return response && { status: response.status, text: await response.text(), headers: response.headers };
  };
  const linkPath = () => new URL((/http:\S+/.exec(chat.at(-1) ?? "") as RegExpExecArray)[0]).pathname;
  return { chat, lines, store, tool, call, linkPath };
}

forEachBackend("secret_request", ({ database }) => {
  test("the link goes to the owner's chat, not to the model; the form stores the value once", async () => {
    const { db } = await database();
    const { chat, lines, store, tool, call, linkPath } = setUp(db);
    expect(tool.approval).toBe("always");
    const result = await tool.execute(
      { name: "slack_token", reason: "to read your channels" },
      createTestToolContext(),
    );
    expect(result.isError).toBeUndefined();
    expect(JSON.parse(result.content)).toMatchObject({
      requested: "slack_token",
      linkSentToOwner: true,
      command: "ironclaw secrets set slack_token",
    });
    expect(chat).toHaveLength(1);
    expect(chat[0]).toContain("ironclaw secrets set slack_token");
    const path = linkPath();
    expect(result.content).not.toContain(path.split("/").at(-1) as string);
    expect(result.content).not.toContain("http");

    const form = await call("GET", path);
    expect(form?.status).toBe(200);
    expect(form?.text).toContain("Add the secret slack_token");
    expect(form?.text).toContain('type="password"');
    expect(form?.headers.get("cache-control")).toBe("no-store");

    const stored = await call("POST", path, `value=${encodeURIComponent(value)}`);
    expect(stored?.status).toBe(200);
    expect(await store.reveal("slack_token")).toBe(value);

    const replay = await call("POST", path, "value=attacker-chosen-value-123");
    expect(replay?.status).toBe(404);
    expect(await store.reveal("slack_token")).toBe(value);
    expect((await call("GET", path))?.status).toBe(404);

    for (const text of [form?.text, stored?.text, replay?.text, result.content, ...chat, ...lines]) {
      expect(text ?? "").not.toContain(value);
    }
  });

  test("an expired link, a malformed one and an empty form store nothing", async () => {
    const { db } = await database();
    let now = new Date("2026-12-01T10:00:00Z");
    const { tool, call, linkPath, store } = setUp(db, { now: () => now });
    await tool.execute({ name: "github_token" }, createTestToolContext());
    const path = linkPath();
    expect((await call("POST", path, "value="))?.status).toBe(400);
    expect((await call("GET", "/secrets/new/short"))?.status).toBe(404);
    expect((await call("GET", "/secrets/other"))?.status).toBe(404);
    expect(await call("GET", "/api/other")).toBeUndefined();
    now = new Date("2026-12-01T10:16:00Z");
    expect((await call("POST", path, `value=${value}`))?.status).toBe(404);
    expect(await store.exists("github_token")).toBe(false);
  });

  test("without a gateway the model is told the CLI command; an odd name is refused", async () => {
    const { db } = await database();
    const { chat, tool } = setUp(db, { gateway: false });
    const result = await tool.execute({ name: "github_token" }, createTestToolContext());
    expect(JSON.parse(result.content)).toMatchObject({
      linkSentToOwner: false,
      command: "ironclaw secrets set github_token",
    });
    expect(chat).toEqual([]);
    const odd = await tool.execute({ name: "bad name; rm -rf" }, createTestToolContext());
    expect(odd.isError).toBe(true);
  });
});

test("the form works through the real gateway, without the API token", async () => {
  const handle = await createTestDatabase("pglite");
  const { chat, store } = setUp(handle.db);
  const service = createSecretRequestService({
    db: handle.db,
    store,
    gatewayUrl: () => gateway.url,
    deliver: async (_conversationId, text) => {
      chat.push(text);
      return true;
    },
  });
  const gateway = startGateway({
    host: "127.0.0.1",
    port: 0,
    log: silentLogger,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [createSecretRequestRoutes(service, silentLogger)],
  });
  try {
    await service.port.request({ name: "discord_token", conversationId: "c1" });
    const link = (/http:\S+/.exec(chat.at(-1) ?? "") as RegExpExecArray)[0];
    expect((await fetch(link)).status).toBe(200);
    const stored = await fetch(link, { method: "POST", body: new URLSearchParams({ value }) });
    expect(stored.status).toBe(200);
    expect(await stored.text()).not.toContain(value);
    expect(await store.reveal("discord_token")).toBe(value);
  } finally {
    await gateway.stop();
    await handle.close();
  }
});
