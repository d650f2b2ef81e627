/**
 * While the database cannot be reached, every API route that needs it answers 503 with
 * Retry-After and a short JSON error — never a 500, never the driver's text. The errors are the
 * real ones: postgres.js against a port nobody listens on (every run), and a real PostgreSQL
 * server cut off behind a TCP proxy and brought back (when TEST_DATABASE_URL is set).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { getApproval, listApprovals } from "../../src/db/approvals.ts";
import { type DatabaseHandle, wrapPostgres } from "../../src/db/client.ts";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { createThreadHistory } from "../../src/gateway/host-api.ts";
import { createTestDatabase, testDatabaseUrl } from "../support/db.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { type ApiHarness, postJson, startApi } from "./harness.ts";
import { startHostApi } from "./host-harness.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The requests that need the database: a send, the approvals list, a decision, the history. */
function databaseRoutes(call: ApiHarness["call"]): (() => Promise<Response>)[] {
  return [
    () => call("/api/chat/send", postJson({ text: "are you there?", thread_id: "t-out" })),
    () => call("/api/approvals"),
    () => call("/api/approvals/appr-1", postJson({ action: "approve" })),
    () => call("/api/chat/history?thread_id=t-out"),
  ];
}

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  const body = (await response.json()) as { error: string; message: string };
  expect(body).toEqual({
    error: "unavailable",
    message: "the database is not reachable right now; retry in 5 s",
  });
}

describe("the API during a database outage", () => {
  test("routes backed by an unreachable PostgreSQL answer 503 with Retry-After", async () => {
    const dead: DatabaseHandle = await wrapPostgres(
      `postgres://owner:secret@127.0.0.1:${await unusedPort()}/ironclaw`,
      "unreachable",
      2,
    );
    cleanups.push(() => dead.close());
    const api = startApi({
      chat: { send: async (input) => void (await getOrCreateConversation(dead.db, "api", input.threadId)) },
      approvals: {
        list: async () => {
          await listApprovals(dead.db);
          return [];
        },
        decide: async (id) => {
          await getApproval(dead.db, id);
          return { ok: false, reason: "not_found", message: "unreachable" };
        },
      },
      history: createThreadHistory(dead.db),
    });
    cleanups.push(() => api.gateway.stop());
    for (const request of databaseRoutes(api.call)) await expectUnavailable(await request());
  });

  test.skipIf(!testDatabaseUrl)(
    "a real PostgreSQL cut off: 503 while it is gone, answers again once it is back",
    async () => {
      const direct = await createTestDatabase("postgres");
      cleanups.push(() => direct.close());
      const server = new URL(testDatabaseUrl as string);
      const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
      cleanups.push(() => proxy.close());
      const proxied = new URL(server);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(proxy.port);
      proxied.pathname = `/${direct.location}`;
      const handle = await wrapPostgres(proxied.toString(), direct.location, 4);
      cleanups.push(() => handle.close());
      const api = await startHostApi(handle);
      cleanups.push(() => api.close());

      await proxy.goDown();
      for (const request of databaseRoutes(api.call)) await expectUnavailable(await request());
      await proxy.comeUp();
      const history = await api.call("/api/chat/history?thread_id=t-out");
      expect(history.status).toBe(200);
      const help = await api.call("/api/chat/send", postJson({ text: "/help", thread_id: "t-out" }));
      expect(help.status).toBe(200);
    },
  );
});
