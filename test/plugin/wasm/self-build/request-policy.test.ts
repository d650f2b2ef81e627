/**
 * Bad and hostile requests refused before anything is built (no build, no attempt counted): a
 * bare or over-broad wildcard host, wildcards when the owner turned them off, empty and huge
 * sources, names of the host's own tools or of tools the owner installed, manifests that do not
 * parse (the field is named), a missing toolchain, and expectations that could hang the host.
 */
import { expect, test } from "bun:test";
import { missingToolchain } from "../../../../src/plugin/wasm/build/index.ts";
import { commitInstall, installWasmTool } from "../../../../src/plugin/wasm/install.ts";
import { checkExpectation, matchOutput } from "../../../../src/plugin/wasm/self-build/run-tests.ts";
import {
  createSelfBuilder,
  type SelfBuilderOptions,
} from "../../../../src/plugin/wasm/self-build/self-builder.ts";
import { forEachBackend } from "../../../support/db.ts";
import { createTestToolContext } from "../../../support/tool-context.ts";
import { buildTestGuest, echoGuestSource } from "../support/build-guest.ts";
import { daysUntil, daysUntilTests } from "./sources.ts";

const noSandbox = async () => {
  throw new Error("nothing may be loaded for a refused request");
};

function builder(db: SelfBuilderOptions["db"], overrides: Partial<SelfBuilderOptions> = {}) {
  return createSelfBuilder({
    db,
    reservedNames: new Set(["echo", "tool_build"]),
    sandbox: noSandbox,
    ...overrides,
  });
}

const request = (overrides: Record<string, unknown> = {}) => ({
  name: "days-until",
  description: "Days until a date",
  source: daysUntil,
  tests: daysUntilTests,
  ...overrides,
});

forEachBackend("tool_build request policy", ({ database }) => {
  test("hosts: bare * and over-broad wildcards are refused; *.example.com only when the owner allows it", async () => {
    const { db } = await database();
    const context = createTestToolContext();
    for (const host of ["*", "*.com", "*com", "api.*.com", " * "]) {
      const refusal = await builder(db).prepare(request({ capabilities: { http: [{ host }] } }), context);
      expect(refusal).toContain("capabilities.http[0].host");
    }
    const credential = await builder(db).prepare(
      request({
        capabilities: {
          http: [{ host: "api.example.com" }],
          credentials: [{ secret: "token", hosts: ["*"] }],
        },
      }),
      context,
    );
    expect(credential).toContain("capabilities.credentials[0].hosts[0]");
    const noWildcards = await builder(db, { allowWildcardHosts: false }).prepare(
      request({ capabilities: { http: [{ host: "*.example.com" }] } }),
      context,
    );
    expect(noWildcards).toContain("the owner does not allow wildcard hosts for built tools");
  });

  test("empty and huge sources, bad names, an unusable description, no tests", async () => {
    const { db } = await database();
    const context = createTestToolContext();
    const ask = (overrides: Record<string, unknown>) =>
      builder(db, { maxSourceChars: 10_000 }).prepare(request(overrides), context);
    expect(await ask({ source: "   " })).toContain("source is empty");
    expect(await ask({ source: "x".repeat(10_001) })).toContain(
      "source is 10001 characters; the limit is 10000",
    );
    expect(await ask({ name: "Days Until" })).toContain('name "Days Until" is not allowed');
    expect(await ask({ name: "echo" })).toContain("is the name of one of IronClaw's own tools");
    expect(await ask({ name: "tool_build" })).toContain("is the name of one of IronClaw's own tools");
    expect(await ask({ description: " " })).toContain("description is empty");
    expect(await ask({ tests: [] })).toContain("tests is empty");
    expect(await ask({ language: "python" })).toContain('language must be "js" or "ts"');
  });

  test("a name held by another plugin's tool, or by a component the owner installed, is refused", async () => {
    const { db } = await database();
    const context = createTestToolContext();
    const taken = await builder(db, { isOtherTool: (name) => name === "calendar" }).prepare(
      request({ name: "calendar" }),
      context,
    );
    expect(taken).toContain('"calendar" is already a tool\'s name');
    const review = await installWasmTool({
      db,
      bytes: await buildTestGuest(echoGuestSource("weather")),
      manifest: { kind: "tool", name: "weather", description: "Weather" },
      reservedNames: new Set(),
    });
    await commitInstall(db, review, new Set());
    const replaced = await builder(db).prepare(request({ name: "weather" }), context);
    expect(replaced).toContain('"weather" is an installed tool the owner added from a component');
  }, 120_000);

  test("manifests that do not parse are refused with the field named, before a build", async () => {
    const { db } = await database();
    const context = createTestToolContext();
    const memory = await builder(db).prepare(
      request({ capabilities: { limits: { memory_mib: 4096 } } }),
      context,
    );
    expect(memory).toContain("limits.memory_mib");
    const unknown = await builder(db).prepare(
      request({ capabilities: { http: [{ host: "api.example.com", port: 22 }] } }),
      context,
    );
    expect(unknown).toContain("http.allowlist[0].port");
    const credential = await builder(db).prepare(
      request({ capabilities: { credentials: [{ secret: "token", hosts: ["elsewhere.example"] }] } }),
      context,
    );
    expect(credential).toContain("credentials[0]");
  });

  test("a missing toolchain is one clear line for the model (and the owner)", async () => {
    const { db } = await database();
    const refusal = await builder(db, { missingToolchain: () => missingToolchain("qjs", "/") }).prepare(
      request(),
      createTestToolContext(),
    );
    expect(refusal).toContain(
      "tool_build cannot build on this machine: the WASM build toolchain for qjs is missing (componentize-qjs): run `npm install`",
    );
  });
});

test("expectations: exact JSON, contains, matches; catastrophic regexes refused", () => {
  expect(matchOutput('{"b":2,"a":1}', { a: 1, b: 2 })).toBeUndefined();
  expect(matchOutput("hello", "hello")).toBeUndefined();
  expect(matchOutput('"hello"', "hello")).toBeUndefined();
  expect(matchOutput('{"a":1}', { a: 2 })).toContain("expected");
  expect(matchOutput("the answer is 42", { contains: "42" })).toBeUndefined();
  expect(matchOutput("the answer is 41", { contains: "42" })).toContain("does not contain");
  expect(matchOutput("id-123", { matches: "^id-\\d+$" })).toBeUndefined();
  expect(checkExpectation({ matches: "(a+)+$" })).toContain("nested quantifiers");
  expect(checkExpectation({ matches: "(x*)*" })).toContain("nested quantifiers");
  expect(checkExpectation({ matches: "(" })).toContain("not a valid regex");
  expect(checkExpectation({ matches: "a".repeat(201) })).toContain("up to 200 characters");
  expect(checkExpectation({ contains: 3 })).toContain("contains must be a string");
});
