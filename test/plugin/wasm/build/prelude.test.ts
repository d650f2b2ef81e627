// The guest prelude, inside a real component built by buildWasmTool (TypeScript source) and run
// through the real jco: console, UTF-8 codecs, the host clock and randomness, http, secrets,
// workspace, and how execute's results and errors reach the WIT exports.
import { beforeAll, describe, expect, test } from "bun:test";
import { buildWasmTool } from "../../../../src/plugin/wasm/build/index.ts";
import { checkToolComponent } from "../../../../src/plugin/wasm/component-policy.ts";
import { inspectComponent } from "../../../../src/plugin/wasm/inspect.ts";
import { componentImports, instantiateTool, type RunnableTool } from "./support/run-component.ts";

const canary = "ironclaw-build-canary-7f3a";
let tool: RunnableTool;
let component: Uint8Array;

beforeAll(async () => {
  process.env.IRONCLAW_BUILD_CANARY = canary;
  const source = await Bun.file(new URL("./fixtures/prelude-probe.ts", import.meta.url)).text();
  const result = await buildWasmTool({ source, language: "ts" });
  delete process.env.IRONCLAW_BUILD_CANARY;
  if (!result.ok) throw new Error(result.error);
  component = result.component;
  tool = await instantiateTool(result.component);
}, 120_000);

describe("exports", () => {
  test("description and schema come from the author's constants", () => {
    expect(tool.description()).toBe("Probes the guest prelude.");
    expect(JSON.parse(tool.schema())).toEqual({
      type: "object",
      properties: { probe: { type: "string" } },
      required: ["probe"],
    });
  });

  test("a returned value is JSON-encoded, a string is returned as it is", () => {
    expect(JSON.parse(tool.execute({ probe: "other" }))).toEqual({ unknown: "other" });
    expect(tool.execute({ probe: "string" })).toBe("plain text, not JSON-encoded");
    expect(JSON.parse(tool.execute({ probe: "context" }, { turnId: "t-1" }))).toEqual({ turnId: "t-1" });
  });

  test("a thrown error becomes the tool failure with its message; the instance keeps working", () => {
    expect(() => tool.execute({ probe: "throw" })).toThrow("RangeError: out of range on purpose");
    expect(() => tool.execute({ probe: "throw-object" })).toThrow('{"reason":42}');
    expect(() => tool.execute({ probe: "async" })).toThrow("execute returned a Promise");
    expect(tool.execute({ probe: "string" })).toBe("plain text, not JSON-encoded");
  });
});

describe("prelude", () => {
  test("console.* reaches the host log at the right level", () => {
    tool.host.logs.length = 0;
    expect(tool.execute({ probe: "console" })).toBe("logged");
    expect(tool.host.logs.map(([level]) => level)).toEqual(["info", "info", "warn", "error", "debug"]);
    expect(tool.host.logs[0]?.[1]).toBe('log {"a":1}');
    expect(tool.host.logs[2]?.[1]).toBe("warn 2");
    expect(tool.host.logs[3]?.[1]).toStartWith("TypeError: bad");
  });

  test("TextEncoder/TextDecoder round-trip UTF-8 (ASCII, accents, astral plane)", () => {
    const text = "héllo € 😀";
    const answer = JSON.parse(tool.execute({ probe: "text", text }));
    expect(answer.back).toBe(text);
    expect(answer.length).toBe(new TextEncoder().encode(text).length);
    expect(answer.hex).toEqual(Array.from(new TextEncoder().encode(text), (b) => b.toString(16)));
    expect(tool.execute({ probe: "decode-invalid" })).toBe("a\ufffd\ufffd(b");
  });

  test("Date.now() and new Date() read the host clock, not the build time", () => {
    tool.host.nowMillis = Date.UTC(2031, 4, 6, 7, 8, 9);
    const answer = JSON.parse(tool.execute({ probe: "clock" }));
    expect(answer.now).toBe(Date.UTC(2031, 4, 6, 7, 8, 9));
    expect(answer.date).toBe("2031-05-06T07:08:09.000Z");
    expect(answer.fixed).toBe("1970-01-01T00:00:00.000Z");
    expect(answer.call).toBe("string");
  });

  test("randomness comes from the host: two calls differ (not frozen at build time)", () => {
    const first = JSON.parse(tool.execute({ probe: "random" }));
    const second = JSON.parse(tool.execute({ probe: "random" }));
    expect(first.bytes).toHaveLength(32);
    expect(first.bytes).not.toEqual(second.bytes);
    expect(first.random[0]).not.toBe(second.random[0]);
    for (const value of [...first.random, ...second.random]) expect(value >= 0 && value < 1).toBe(true);
    expect(first.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("http.post sends method, headers and a JSON body through the host; the response decodes", () => {
    tool.host.http = () => ({ status: 201, headers: { "x-test": "yes" }, body: '{"created":true}' });
    const answer = JSON.parse(tool.execute({ probe: "http", url: "https://api.example.com/items" }));
    expect(answer).toEqual({ status: 201, ok: true, json: { created: true }, header: "yes" });
    const call = tool.host.httpCalls.at(-1);
    expect(call?.method).toBe("POST");
    expect(call?.url).toBe("https://api.example.com/items");
    expect(call?.headers).toEqual({ accept: "application/json", "content-type": "application/json" });
    expect(new TextDecoder().decode(call?.body ?? new Uint8Array())).toBe('{"q":"x"}');
  });

  test("a host refusal becomes an Error with .kind", () => {
    tool.host.http = () => {
      throw { kind: "network-denied", message: "evil.example is not on the allowlist" };
    };
    const answer = JSON.parse(tool.execute({ probe: "http-denied", url: "https://evil.example/" }));
    expect(answer).toEqual({
      kind: "network-denied",
      message: "network-denied: evil.example is not on the allowlist",
      isError: true,
    });
  });

  test("secretExists and workspace.read go to the host", () => {
    tool.host.secrets.add("github_token");
    expect(tool.execute({ probe: "secret", name: "github_token" })).toBe("true");
    expect(tool.execute({ probe: "secret", name: "other" })).toBe("false");
    tool.host.files.set("notes/a.md", "# A");
    expect(tool.execute({ probe: "workspace", name: "notes/a.md" })).toBe("# A");
    expect(() => tool.execute({ probe: "workspace", name: "secret.txt" })).toThrow(
      "no such file: secret.txt",
    );
  });
});

describe("build isolation", () => {
  test("the build sees no environment: a variable of the host is neither readable nor embedded", () => {
    expect(tool.execute({ probe: "environment" })).toBe("no process");
    expect(Buffer.from(component).includes(canary)).toBe(false);
  });

  test("the component imports only the ironclaw interfaces (WASI stubbed to traps)", async () => {
    expect(await componentImports(component)).toEqual([
      "ironclaw:plugin/host@0.1.0",
      "ironclaw:plugin/tool-types@0.1.0",
    ]);
  });

  test("the component passes the install policy", async () => {
    const inspected = checkToolComponent(await inspectComponent(component));
    expect([...inspected.imports].sort()).toEqual([
      "ironclaw:plugin/host@0.1.0",
      "ironclaw:plugin/tool-types@0.1.0",
    ]);
    expect(inspected.pluginVersion).toBe("0.1.0");
  });
});
