// The channel author API, inside a real component built by buildWasmChannel (TypeScript source)
// and run through the real jco: what onStart returns, webhook requests and responses, emits and
// their defaults, state, ChannelError with retry-after, the optional callbacks, and the shapes the
// entry refuses at build time and at run time.
import { beforeAll, describe, expect, test } from "bun:test";
import { buildWasmChannel, buildWasmTool } from "../../../../src/plugin/wasm/build/index.ts";
import { checkChannelComponent, checkToolComponent } from "../../../../src/plugin/wasm/component-policy.ts";
import { inspectComponent } from "../../../../src/plugin/wasm/inspect.ts";
import { failureOf, instantiateChannel, type RunnableChannel } from "./support/run-channel.ts";

let channel: RunnableChannel;
let component: Uint8Array;
const outbound = (text: string) => ({ chatId: "!room:example.org", text, deliveryId: "d-1" });

beforeAll(async () => {
  const source = await Bun.file(new URL("./fixtures/channel-probe.ts", import.meta.url)).text();
  const result = await buildWasmChannel({ source, language: "ts" });
  if (!result.ok) throw new Error(result.error);
  component = result.component;
  channel = await instantiateChannel(component);
}, 120_000);

async function buildError(source: string): Promise<string> {
  const result = await buildWasmChannel({ source, language: "js" });
  if (result.ok) throw new Error("expected the build to fail");
  return result.error;
}

describe("the component", () => {
  test("exports the channel world and passes the channel install policy, not the tool one", async () => {
    const inspected = await inspectComponent(component);
    expect(checkChannelComponent(inspected)).toBe(inspected);
    expect(inspected.imports).toEqual([
      "ironclaw:plugin/host@0.1.0",
      "ironclaw:plugin/channel-host@0.1.0",
      "ironclaw:plugin/channel-types@0.1.0",
    ]);
    expect(() => checkToolComponent(inspected)).toThrow(
      "is a channel component (it exports the channel world) but its manifest is a tool's",
    );
  });
});

describe("callbacks", () => {
  test("onStart: config arrives as an object; routes upper-cased; capabilities follow the exports", () => {
    expect(channel.exports.onStart(JSON.stringify({}))).toEqual({
      webhooks: [{ path: "/events", methods: ["POST", "GET"] }],
      pollIntervalMs: 0, // onPoll exported, no interval: the manifest's minimum
      canEdit: true,
      canApprove: false, // no onApproval
    });
    expect(channel.exports.onStart(JSON.stringify({ edit: false }))).toMatchObject({ canEdit: false });
  });

  test("a ChannelError becomes the callback's failure with its retry-after", () => {
    expect(failureOf(() => channel.exports.onStart(JSON.stringify({ fail: true })))).toEqual({
      message: "the homeserver said no",
      retryAfterMs: 2500,
    });
  });

  test("onHttpRequest: headers and JSON body in, emits out with defaults, an object body as JSON", () => {
    channel.host.messages.length = 0;
    const body = new TextEncoder().encode(JSON.stringify({ id: "m1", chat: "c1", from: "u1", text: "hi" }));
    const response = channel.exports.onHttpRequest({
      method: "POST",
      path: "/events",
      query: "a=1",
      headersJson: JSON.stringify({ "x-probe": "yes" }),
      body,
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.headersJson)).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({
      ok: true,
      query: "a=1",
      header: "yes",
    });
    expect(channel.host.messages).toEqual([
      {
        messageId: "m1",
        chatId: "c1",
        senderId: "u1",
        senderName: undefined,
        text: "hi",
        isDirect: true,
        unsupported: false,
      },
    ]);
  });

  test("onHttpRequest: bytes pass as they are; an impossible status is the callback's failure", () => {
    const request = (path: string) => ({
      method: "GET",
      path,
      query: "",
      headersJson: "{}",
      body: new Uint8Array(),
    });
    const bytes = channel.exports.onHttpRequest(request("/bytes"));
    expect(bytes.status).toBe(202);
    expect([...bytes.body]).toEqual([1, 2, 3]);
    expect(failureOf(() => channel.exports.onHttpRequest(request("/teapot"))).message).toContain(
      "HTTP status between 100 and 599",
    );
  });

  test("state: get, set and delete reach the channel's store", () => {
    channel.host.state.clear();
    channel.host.state.set("cursor", "s1");
    channel.exports.onPoll();
    expect(channel.host.state.get("polls")).toBe("1");
    expect(channel.host.state.has("cursor")).toBe(false);
    channel.exports.onPoll();
    expect(failureOf(() => channel.exports.onPoll())).toEqual({ message: "slow down", retryAfterMs: 5000 });
  });

  test("onRespond: the ref comes back; http and emitAction work inside callbacks", () => {
    expect(channel.exports.onRespond(outbound("hello"))).toEqual({
      chatId: "!room:example.org",
      messageId: "sent-d-1",
    });
    expect(channel.exports.onRespond(outbound("http")).messageId).toBe("http-201");
    expect(channel.host.httpCalls.at(-1)).toEqual({
      method: "POST",
      url: "https://chat.example/send",
      body: JSON.stringify({ to: "!room:example.org" }),
    });
    channel.exports.onRespond(outbound("action"));
    expect(channel.host.actions.at(-1)).toEqual({
      actionId: "a1",
      chatId: "!room:example.org",
      senderId: "u1",
      approvalId: "ap1",
      decision: "always",
    });
    expect(channel.exports.onRespond(outbound("now")).messageId).toBe(String(channel.host.nowMillis));
  });

  test("malformed emits and refs are refused with a message; a host refusal reaches the author", () => {
    expect(failureOf(() => channel.exports.onRespond(outbound("bad-emit"))).message).toContain(
      "emitMessage: messageId must be a non-empty string",
    );
    expect(failureOf(() => channel.exports.onRespond(outbound("no-ref"))).message).toContain(
      "onRespond must return { chatId, messageId }",
    );
    expect(failureOf(() => channel.exports.onRespond(outbound("throw"))).message).toBe(
      "TypeError: a bug in the channel",
    );
    channel.host.refuseEmits = "over the emit limit (20 per callback)";
    expect(channel.exports.onRespond(outbound("refused-emit")).messageId).toBe(
      "caught: emitMessage refused: over the emit limit (20 per callback)",
    );
    channel.host.refuseEmits = undefined;
  });

  test("optional callbacks: onEdit and onStatus run; a missing onApproval fails, a missing onActionResult or onShutdown is a no-op", () => {
    channel.exports.onEdit({ chatId: "c", messageId: "m9" }, outbound("edited"));
    expect(channel.host.state.get("edit:m9")).toBe("edited");
    channel.exports.onStatus("c", "thinking");
    expect(channel.host.state.get("status:c")).toBe("thinking");
    const prompt = {
      chatId: "c",
      approvalId: "a",
      tool: "t",
      summary: "s",
      allowAlways: true,
      expiresAtMillis: 1n,
    };
    expect(failureOf(() => channel.exports.onApproval(prompt)).message).toContain("no onApproval");
    const stateBefore = [...channel.host.state];
    expect(channel.exports.onActionResult("$press", "c", "@stranger", "Only the owner")).toBeUndefined();
    expect([...channel.host.state]).toEqual(stateBefore);
    expect(channel.exports.onShutdown()).toBeUndefined();
  });
});

describe("refused", () => {
  const minimal = `
export function onStart() { return {}; }
export function onRespond(message) { return { chatId: message.chatId, messageId: "1" }; }
`;

  test("a channel without onStart or onRespond fails to build, saying what is missing", async () => {
    expect(await buildError("export function onRespond() {}")).toContain(
      "must export a function `onStart(config)`",
    );
    expect(await buildError("export function onStart() {}")).toContain(
      "must export a function `onRespond(message)`",
    );
    expect(await buildError(`${minimal}\nexport const onPoll = 5;`)).toContain(
      "exports `onPoll` but it is not a function",
    );
  }, 60_000);

  test("imports other than ironclaw:channel are refused, ironclaw:tool included", async () => {
    expect(await buildError(`import { http } from "ironclaw:tool";\n${minimal}`)).toContain(
      'may only import from "ironclaw:channel"',
    );
    expect(await buildError(`import fs from "node:fs";\n${minimal}`)).toContain("a channel is a single file");
  }, 60_000);

  test("host functions at the module top level fail the build", async () => {
    const error = await buildError(`import { state } from "ironclaw:channel";\nstate.get("x");\n${minimal}`);
    expect(error).toContain("state.get is not available");
  }, 60_000);

  test("an async callback and a poll interval without onPoll are refused at run time", async () => {
    const result = await buildWasmChannel({
      source: `
export function onStart(config) { return config.poll ? { pollIntervalMs: 1000 } : {}; }
export async function onRespond(message) { return { chatId: message.chatId, messageId: "1" }; }
`,
      language: "js",
    });
    if (!result.ok) throw new Error(result.error);
    const { exports } = await instantiateChannel(result.component);
    expect(exports.onStart("{}")).toMatchObject({ pollIntervalMs: undefined, canEdit: false });
    expect(failureOf(() => exports.onStart('{"poll":true}')).message).toContain("onPoll is not exported");
    expect(failureOf(() => exports.onRespond(outbound("x"))).message).toContain(
      "onRespond returned a Promise",
    );
  }, 60_000);

  test("a tool source built as a channel, or a channel source as a tool, fails with a clear message", async () => {
    const tool = `export const description = "d"; export const schema = { type: "object" }; export function execute() { return 1; }`;
    expect(await buildError(tool)).toContain("must export a function `onStart(config)`");
    const asTool = await buildWasmTool({ source: minimal, language: "js" });
    expect(asTool.ok ? "" : asTool.error).toContain("must export a function `execute(params, context)`");
  }, 60_000);
});
