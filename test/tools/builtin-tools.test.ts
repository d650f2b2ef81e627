import { describe, expect, test } from "bun:test";
import Ajv from "ajv";
import type { Tool } from "../../src/plugin/tool.ts";
import { createBuiltinTools } from "../../tools/index.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const fixed = new Date("2025-06-01T12:00:00Z");
const requestedUrls: string[] = [];
const fakeFetch = (async (input: string | URL | Request) => {
  requestedUrls.push(String(input));
  return new Response("from the fake");
}) as unknown as typeof fetch;
// The clock, the fetch and the allow list reach the tools through the ports in their context.
const context = createTestToolContext({}, { allowHosts: ["127.0.0.1"], now: () => fixed, fetch: fakeFetch });
const tools = createBuiltinTools();

function toolNamed(name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

// The host validates arguments against `parameters` before `execute`; these prove the schemas
// accept the calls a model should make and reject the ones it should not.
const validCalls: Record<string, Record<string, unknown>[]> = {
  time: [{}, { timezone: "Europe/Berlin" }],
  echo: [{ text: "hi" }],
  json: [{ document: "{}" }, { document: "[1]", query: "[0]" }],
  http_request: [
    { method: "GET", url: "https://example.com" },
    { method: "POST", url: "http://example.com/x", headers: { "content-type": "text/plain" }, body: "hi" },
  ],
};
const invalidCalls: Record<string, Record<string, unknown>[]> = {
  time: [{ timezone: "" }, { timezone: 3 }, { zone: "UTC" }],
  echo: [{}, { text: 1 }, { text: "hi", extra: true }],
  json: [{ query: "a" }, { document: {} }, { document: "{}", path: "a" }],
  http_request: [
    { url: "https://example.com" },
    { method: "CONNECT", url: "https://example.com" },
    { method: "GET", url: "ftp://example.com" },
    { method: "GET", url: "https://example.com", headers: { "x-number": 1 } },
    { method: "GET", url: "https://example.com", timeout: 5 },
  ],
};

describe("built-in tools", () => {
  test("lists each tool once, in a fixed order", () => {
    expect(tools.map((tool) => tool.name)).toEqual(["time", "echo", "json", "http_request"]);
  });

  test.each(Object.keys(validCalls))("the %s schema accepts good calls and rejects bad ones", (name) => {
    const validate = new Ajv({ strict: true }).compile(toolNamed(name).parameters);
    for (const call of validCalls[name] ?? [])
      expect({ call, valid: validate(call) }).toEqual({ call, valid: true });
    for (const call of invalidCalls[name] ?? [])
      expect({ call, valid: validate(call) }).toEqual({ call, valid: false });
  });

  test("the injected clock reaches the time tool", async () => {
    const result = await toolNamed("time").execute({ timezone: "UTC" }, context);
    expect(JSON.parse(result.content).iso).toBe("2025-06-01T12:00:00Z");
  });

  test("the injected fetch and allow list reach the HTTP tool", async () => {
    requestedUrls.length = 0;
    const result = await toolNamed("http_request").execute(
      { method: "GET", url: "http://127.0.0.1:9/x" },
      context,
    );
    expect(JSON.parse(result.content).body).toBe("from the fake");
    expect(requestedUrls).toEqual(["http://127.0.0.1:9/x"]);
  });
});
