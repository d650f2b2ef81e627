// `ironclaw tools build` for a channel: `--channel`, or the manifest beside the source saying
// "kind": "channel", builds against the channel world; the result passes the channel install
// policy. Without either, a channel source is built as a tool and fails saying what is missing.
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runToolsBuildCommand } from "../../src/cli/tools-build.ts";
import { checkChannelComponent } from "../../src/plugin/wasm/component-policy.ts";
import { inspectComponent } from "../../src/plugin/wasm/inspect.ts";

const folder = await mkdtemp(join(tmpdir(), "ironclaw-build-channel-cli-"));
afterAll(() => rm(folder, { recursive: true, force: true }));

const channelSource = `import { emitMessage } from "ironclaw:channel";
export function onStart(config: Record<string, unknown>) { return { webhooks: [{ path: "/in" }] }; }
export function onHttpRequest(request: { json(): any }) {
  const event = request.json();
  emitMessage({ messageId: event.id, chatId: event.chat, senderId: event.from, text: event.text });
  return { status: 204 };
}
export function onRespond(message: { chatId: string; deliveryId: string }) {
  return { chatId: message.chatId, messageId: message.deliveryId };
}
`;

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    io: { print: (line: string) => lines.push(line), printError: (line: string) => errors.push(line) },
  };
}

async function channelComponentAt(path: string) {
  return checkChannelComponent(await inspectComponent(new Uint8Array(await Bun.file(path).arrayBuffer())));
}

test("--channel builds a TypeScript channel for the channel world", async () => {
  const source = join(folder, "hook.ts");
  await writeFile(source, channelSource);
  const { lines, errors, io } = capture();
  expect(await runToolsBuildCommand([source, "--channel"], io)).toBe(0);
  expect(errors).toEqual([]);
  expect(lines[0]).toStartWith(`Building ${source} (qjs, channel)`);
  expect((await channelComponentAt(join(folder, "hook.wasm"))).exports).toContain("on-http-request");
}, 60_000);

test("a channel manifest beside the source picks the channel world; without it the build fails clearly", async () => {
  const sub = join(folder, "detected");
  await Bun.write(join(sub, "chatx.ts"), channelSource);
  const asTool = capture();
  expect(await runToolsBuildCommand([join(sub, "chatx.ts")], asTool.io)).toBe(1);
  expect(asTool.errors.join("\n")).toContain('may only import from "ironclaw:tool"');
  await writeFile(join(sub, "chatx.capabilities.json"), JSON.stringify({ kind: "channel", name: "chatx" }));
  const { lines, io } = capture();
  expect(await runToolsBuildCommand([join(sub, "chatx.ts")], io)).toBe(0);
  expect(lines[0]).toContain("(qjs, channel)");
  await channelComponentAt(join(sub, "chatx.wasm"));
}, 60_000);
