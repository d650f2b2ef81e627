/**
 * `secrets.exists` over the real store: true for a stored name, false otherwise, and a name
 * outside the grammar is simply absent (the store is never asked). No method reveals a value.
 */
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createToolPorts } from "../../../src/plugin/ports/index.ts";
import { createStoreSecretsPort } from "../../../src/plugin/ports/secrets-port.ts";
import { createSecretStore } from "../../../src/secrets/store.ts";
import { forEachBackend } from "../../support/db.ts";

forEachBackend("secrets port", ({ database }) => {
  test("exists answers from the store and offers nothing else", async () => {
    const { db } = await database();
    const store = createSecretStore({
      db,
      home: mkdtempSync(join(tmpdir(), "ironclaw-port-")),
      environmentKey: "p".repeat(40),
    });
    await store.set("github_token", "ghp_PortTestValue0123456789abcdefABCDEF");
    const asked: string[] = [];
    const port = createStoreSecretsPort((name) => {
      asked.push(name);
      return store.exists(name);
    });
    const ports = createToolPorts({ secrets: port });
    expect(await ports.secrets.exists("github_token")).toBe(true);
    expect(await ports.secrets.exists("gitlab_token")).toBe(false);
    expect(await ports.secrets.exists("' or 1=1 --")).toBe(false);
    expect(asked).toEqual(["github_token", "gitlab_token"]);
    expect(Object.keys(ports.secrets)).toEqual(["exists"]);
  });
});

test("without a store no secret exists", async () => {
  expect(await createToolPorts().secrets.exists("github_token")).toBe(false);
});
