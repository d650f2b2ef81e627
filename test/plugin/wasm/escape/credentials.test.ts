/**
 * Attack: get the host to inject an owner's credential the tool was not granted. The owner maps
 * `github_token` to a host; a WASM tool that names only another secret in its manifest (or
 * none) calls that host and gets no credential, through the real port, injector and store.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../../../../src/db/client.ts";
import { createLogger } from "../../../../src/log.ts";
import type { Tool } from "../../../../src/plugin/tool.ts";
import { createCredentialInjector } from "../../../../src/secrets/injector.ts";
import { addCredentialMapping } from "../../../../src/secrets/mappings.ts";
import { createSecretStore } from "../../../../src/secrets/store.ts";
import { forEachBackend } from "../../../support/db.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { loadProbe, type TestRuntime } from "../support/runtime.ts";

const token = "ghp_WasmCredentialTest0123456789abcdefXYZ";
let server: ReturnType<typeof Bun.serve>;
const loaded: { harness: TestRuntime; tool: Tool }[] = [];
let granted: Tool;
let notGranted: Tool;

beforeAll(async () => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => Response.json({ authorization: request.headers.get("authorization") }),
  });
  const allowlist = [{ host: "127.0.0.1", pathPrefix: "/", methods: [] }];
  const location = { type: "bearer" as const };
  const first = await loadProbe("granted_probe", {
    http: { allowlist },
    credentials: [{ secret: "github_token", hosts: ["127.0.0.1"], location }],
  });
  const second = await loadProbe("greedy_probe", {
    http: { allowlist },
    credentials: [{ secret: "weather_key", hosts: ["127.0.0.1"], location }],
  });
  loaded.push(first, second);
  granted = first.tool;
  notGranted = second.tool;
}, 120_000);
afterAll(async () => {
  server.stop(true);
  for (const { harness } of loaded) await harness.close();
});

async function contextFor(db: Database) {
  const log = createLogger({ write: () => {} });
  const store = createSecretStore({
    db,
    home: mkdtempSync(join(tmpdir(), "ironclaw-wasm-cred-")),
    environmentKey: "m".repeat(40),
  });
  await store.set("github_token", token);
  await store.set("weather_key", "weather-value-0123456789");
  await addCredentialMapping(db, {
    secret: "github_token",
    hosts: ["127.0.0.1"],
    location: { type: "bearer" },
  });
  return createTestToolContext(
    {},
    {
      allowHosts: ["127.0.0.1"],
      secrets: { exists: async (name) => (await store.reveal(name)) !== undefined },
      credentials: createCredentialInjector({ db, store, log, plainHttpHosts: ["127.0.0.1"] }),
    },
  );
}

forEachBackend("escape: credentials", ({ database }) => {
  test("only the secrets the manifest names are injected", async () => {
    const { db } = await database();
    const context = await contextFor(db);
    const url = `http://127.0.0.1:${server.port}/user`;
    const asGranted = JSON.parse((await granted.execute({ op: "http", url }, context)).content);
    expect(JSON.parse(asGranted.body).authorization).toBe(`Bearer ${token}`);
    const asGreedy = JSON.parse((await notGranted.execute({ op: "http", url }, context)).content);
    expect(JSON.parse(asGreedy.body).authorization).toBeNull();
    expect(JSON.stringify(asGreedy)).not.toContain(token);
  }, 60_000);
});
