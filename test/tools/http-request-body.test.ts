/**
 * What the model receives from http_request: the cap applies to the final JSON text (escaping
 * included), never splits a character, and binary bodies are reported as binary instead of being
 * decoded into mojibake.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { encodeWithinCap } from "../../tools/http-request/encode-result.ts";
import { createHttpRequestTool, type HttpRequestToolDeps } from "../../tools/http-request/index.ts";
import { viewBody } from "../../tools/http-request/view-body.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]);
const streamOf = (bytes: Uint8Array) =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });

let server: ReturnType<typeof Bun.serve>;
let base: string;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      switch (new URL(request.url).pathname) {
        case "/image":
          return new Response(png, { headers: { "content-type": "image/png" } });
        case "/untyped-binary": // no content type, not UTF-8, no NUL
          return new Response(streamOf(new Uint8Array([0xff, 0xfe, 0xc3, 0x28, 0x80, 0x81])));
        case "/text-with-nul":
          return new Response(streamOf(new Uint8Array([0x61, 0, 0x62])), {
            headers: { "content-type": "text/plain" },
          });
        case "/latin1": // "café" in windows-1252, no charset named
          return new Response(streamOf(new Uint8Array([0x63, 0x61, 0x66, 0xe9])), {
            headers: { "content-type": "text/html" },
          });
        case "/quotes":
          return new Response('"'.repeat(30_000), { headers: { "content-type": "text/plain" } });
        case "/controls":
          return new Response("\u0001".repeat(10_000), { headers: { "content-type": "text/plain" } });
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  server.stop(true);
});

async function get(path: string, deps: Partial<HttpRequestToolDeps> = {}) {
  const tool = createHttpRequestTool(deps);
  const result = await tool.execute(
    { method: "GET", url: `${base}${path}` },
    createTestToolContext({ conversationId: "c", turnId: "t" }, { allowHosts: ["127.0.0.1"] }),
  );
  expect(result.isError).toBeFalsy();
  return { content: result.content, value: JSON.parse(result.content) };
}

describe("http_request binary bodies", () => {
  test("an image is reported as binary with its size and type, not decoded", async () => {
    const { content, value } = await get("/image");
    expect(value).toMatchObject({ status: 200, body: null, binary: { bytes: png.byteLength } });
    expect(value.note).toBe(
      `The body is binary (${png.byteLength} bytes, content type image/png); it is not shown.`,
    );
    expect(content).not.toContain("\ufffd");
  });

  test("undecodable bytes without a content type, and text with NUL bytes, are binary", async () => {
    expect((await get("/untyped-binary")).value).toMatchObject({ body: null, binary: { bytes: 6 } });
    expect((await get("/untyped-binary")).value.note).toContain("content type unknown");
    expect((await get("/text-with-nul")).value).toMatchObject({ body: null, binary: { bytes: 3 } });
  });

  test("a text page without a charset that is not UTF-8 is read as windows-1252", async () => {
    expect((await get("/latin1")).value.body).toBe("café");
  });
});

describe("http_request output cap", () => {
  test("the cap applies to the escaped JSON the model receives", async () => {
    // 30,000 quotes are 30,000 bytes, under the byte cap, but 60,000 characters once escaped.
    const { content, value } = await get("/quotes", { maxOutputChars: 20_000 });
    expect(content.length).toBeLessThanOrEqual(20_000);
    expect(content.length).toBeGreaterThan(19_900);
    expect(value.truncated).toBe(true);
    expect(value.note).toContain("20000-character limit");
    expect(value.body).toMatch(/^"+$/);
  });

  test("control characters (six characters each once escaped) are cut the same way", async () => {
    const { content, value } = await get("/controls", { maxOutputChars: 6_000 });
    expect(content.length).toBeLessThanOrEqual(6_000);
    expect(value.body.length).toBeGreaterThan(900);
  });

  test("a cut never splits a surrogate pair, and a body that fits is untouched", () => {
    const body = "😀".repeat(100);
    for (let cap = 60; cap < 200; cap += 1) {
      const decoded = JSON.parse(encodeWithinCap({ ok: true }, body, undefined, cap));
      expect([...decoded.body].every((char) => char === "😀")).toBe(true);
    }
    expect(JSON.parse(encodeWithinCap({ ok: true }, "short", undefined, 1000))).toEqual({
      ok: true,
      body: "short",
    });
  });

  test("viewBody drops a character cut by the byte cap instead of garbling it", () => {
    const bytes = new TextEncoder().encode("aé").subarray(0, 2);
    expect(viewBody(bytes, "text/plain; charset=utf-8", true)).toEqual({ kind: "text", text: "a" });
    expect(viewBody(bytes, null, true)).toEqual({ kind: "text", text: "a" });
    expect(viewBody(bytes, "application/pdf", false)).toEqual({
      kind: "binary",
      contentType: "application/pdf",
    });
  });
});
