/**
 * Every built-in tool and every host-backed tool passes the one tool contract (tool-contract.ts).
 * The HTTP tool talks to a real local server (the network edge); the routine tools run on a real
 * database and scheduler; secret_request on a real database and secret store.
 */
import { afterAll, describe } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { createToolPorts } from "../../src/plugin/ports/index.ts";
import type { RoutinesPort } from "../../src/plugin/ports/routines-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createRoutinesPort } from "../../src/scheduler/routines-port.ts";
import { createSecretRequestService } from "../../src/secrets/secret-requests.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { createEchoTool } from "../../tools/echo/index.ts";
import { createHttpRequestTool } from "../../tools/http-request/index.ts";
import { createJsonTool } from "../../tools/json/index.ts";
import { createRoutineTools } from "../../tools/routines/index.ts";
import { createSecretRequestTool } from "../../tools/secret-request/index.ts";
import { createTimeTool } from "../../tools/time/index.ts";
import { Clock, startScheduledHost } from "../scheduler/support.ts";
import { createTestDatabase } from "../support/db.ts";
import { runToolContract, type ToolContractSetup } from "./tool-contract.ts";

runToolContract({
  name: "echo",
  setup: () => ({
    tool: createEchoTool(),
    validCall: { text: "hello" },
    invalidCalls: [{}, { text: 1 }, { text: "hi", extra: true }],
  }),
});

runToolContract({
  name: "json",
  setup: () => ({
    tool: createJsonTool(),
    validCall: { document: JSON.stringify({ items: Array.from({ length: 50 }, (_, index) => ({ index })) }) },
    invalidCalls: [{ query: "a" }, { document: {} }],
  }),
});

runToolContract({
  name: "time",
  setup: () => ({
    tool: createTimeTool(),
    validCall: { timezone: "Europe/Berlin" },
    invalidCalls: [{ timezone: "" }, { zone: "UTC" }],
  }),
});

runToolContract({
  name: "http_request",
  setup: () => {
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(request) {
        if (new URL(request.url).pathname === "/never") return new Promise<Response>(() => {});
        return new Response("a page ".repeat(100), { headers: { "content-type": "text/plain" } });
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    return {
      tool: createHttpRequestTool(),
      ports: createToolPorts({ allowHosts: ["127.0.0.1"] }),
      validCall: { method: "GET", url: `${base}/page` },
      blockingCall: { method: "GET", url: `${base}/never` },
      invalidCalls: [
        { url: `${base}/page` },
        { method: "CONNECT", url: `${base}/` },
        { method: "GET", url: "ftp://x" },
      ],
      close: async () => {
        server.stop(true);
      },
    };
  },
});

runToolContract({
  name: "secret_request",
  async setup() {
    const database = await createTestDatabase("pglite");
    const store = createSecretStore({
      db: database.db,
      home: mkdtempSync(join(tmpdir(), "ironclaw-contract-")),
      environmentKey: "c".repeat(40),
    });
    const service = createSecretRequestService({
      db: database.db,
      store,
      gatewayUrl: () => "http://127.0.0.1:3000",
      deliver: async () => true,
    });
    return {
      tool: createSecretRequestTool(service.port),
      validCall: { name: "github_token", reason: "to read issues" },
      invalidCalls: [{}, { name: "has space" }, { name: "ok", extra: true }],
      close: () => database.close(),
    };
  },
});

/** One database and scheduler for the routine tools; a routine named "contract" exists before each test. */
interface RoutineFixture {
  tools: Tool[];
  routines: RoutinesPort;
  conversationId: string;
  close(): Promise<void>;
}

async function startRoutineFixture(): Promise<RoutineFixture> {
  const database = await createTestDatabase("pglite");
  const host = await startScheduledHost(database, new Clock(new Date("2026-11-21T15:00:00Z")));
  const routines = createRoutinesPort(database.db, () => host.scheduler);
  const conversation = await getOrCreateConversation(database.db, "memory", "chat-1");
  return {
    routines,
    tools: createRoutineTools(routines),
    conversationId: conversation.id,
    close: async () => {
      await host.close();
      await database.close();
    },
  };
}

describe("host-backed tools", () => {
  let fixture: Promise<RoutineFixture> | undefined;
  const routineFixture = () => {
    fixture ??= startRoutineFixture();
    return fixture;
  };
  afterAll(async () => {
    await (await fixture)?.close();
  });

  function routineDescriptor(
    name: string,
    validCall: Record<string, unknown>,
    invalidCalls: Record<string, unknown>[],
  ) {
    runToolContract({
      name,
      async setup(): Promise<ToolContractSetup> {
        const { tools, routines, conversationId } = await routineFixture();
        return {
          tool: tools.find((candidate) => candidate.name === name) as Tool,
          validCall,
          invalidCalls,
          conversationId,
          reset: async () => {
            for (const stale of ["contract", "contract-new"]) {
              const routine = await routines.find(stale);
              if (routine) await routines.remove(routine);
            }
            await routines.create(
              { name: "contract", schedule: "0 9 * * *", prompt: "Say hello." },
              conversationId,
            );
          },
        };
      },
    });
  }

  routineDescriptor(
    "routine_create",
    { name: "contract-new", schedule: "0 * * * *", prompt: "Drink water." },
    [
      { name: "x", schedule: "0 * * * *" },
      { name: "x", schedule: "0 * * * *", prompt: "Hi.", notify: "always" },
    ],
  );
  routineDescriptor("routine_list", {}, [{ name: "contract" }]);
  routineDescriptor("routine_update", { name: "contract", enabled: false }, [
    { enabled: false },
    { name: "contract", enabled: "no" },
  ]);
  routineDescriptor("routine_delete", { name: "contract" }, [{}, { name: 3 }]);
  routineDescriptor("routine_run", { name: "contract" }, [{}, { name: "contract", now: true }]);
});
