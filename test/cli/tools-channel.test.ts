/**
 * `ironclaw tools …` for a WASM channel: install shows the channel's capabilities (owner or
 * pairing, hosts and credentials, webhook verification, polling, emit limits, config) and asks;
 * the row is stored as kind "channel"; list, inspect, disable, enable, history, rollback and
 * remove work and say a channel change applies at the next start. A component of the other world
 * than its manifest, or a name installed as the other kind, is refused naming both.
 */
import { beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWithDatabase, type ToolsIo } from "../../src/cli/tools.ts";
import { installRefusal, readInstallTarget, runToolsInstall } from "../../src/cli/tools-install.ts";
import type { Database } from "../../src/db/client.ts";
import { getWasmTool, listWasmToolVersions } from "../../src/db/wasm-tools.ts";
import { buildTestChannel } from "../plugin/wasm/support/build-channel-guest.ts";
import { buildTestGuest, echoGuestSource } from "../plugin/wasm/support/build-guest.ts";
import { forEachBackend } from "../support/db.ts";

const manifest = {
  kind: "channel",
  name: "chatx",
  description: "A chat platform.",
  http: { allowlist: [{ host: "chat.example.org", path_prefix: "/api/", methods: ["GET", "POST"] }] },
  credentials: [{ secret: "chatx_token", hosts: ["chat.example.org"] }],
  secrets: { allowed_names: ["chatx_hook"] },
  webhook: { verification: { type: "shared-secret", header: "X-Hook", secret: "chatx_hook" } },
  polling: { min_interval_ms: 2000, timeout_ms: 40_000 },
  emits: { per_callback: 5, per_minute: 50 },
  owner_id: "@owner:example.org",
  config: { homeserver: "https://chat.example.org" },
};

let channelBytes: Uint8Array;
let otherChannelBytes: Uint8Array;
let toolBytes: Uint8Array;

function folderWith(files: Record<string, Uint8Array | string>): string {
  const folder = mkdtempSync(join(tmpdir(), "ironclaw-channel-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

beforeAll(async () => {
  channelBytes = await buildTestChannel();
  otherChannelBytes = await buildTestChannel(
    `export function onStart() { return {}; }\nexport function onRespond(m) { return { chatId: m.chatId, messageId: "v2" }; }`,
  );
  toolBytes = await buildTestGuest(echoGuestSource("chatx"));
}, 120_000);

function terminal(answer = "y") {
  const out: string[] = [];
  const questions: string[] = [];
  const io: ToolsIo = {
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
    isTerminal: true,
    ask: async (question) => {
      questions.push(question);
      return answer;
    },
    cwd: "/",
  };
  return { io, out, questions };
}

async function install(db: Database, folder: string, answer = "y") {
  const session = terminal(answer);
  const target = await readInstallTarget([folder], session.io);
  if (typeof target === "number") throw new Error(`refused with ${target}`);
  const code = await runToolsInstall(db, target, session.io);
  return { code, ...session };
}

async function refusalOf(folder: string): Promise<string> {
  try {
    await readInstallTarget([folder], terminal().io);
  } catch (error) {
    const refusal = installRefusal(error);
    if (refusal !== undefined) return refusal;
    throw error;
  }
  throw new Error("it was not refused");
}

forEachBackend("tools commands for a WASM channel", ({ database }) => {
  test("install shows the channel's capabilities, asks, and stores kind channel", async () => {
    const { db } = await database();
    const folder = folderWith({
      "chatx.wasm": channelBytes,
      "chatx.capabilities.json": JSON.stringify(manifest),
    });
    const declined = await install(db, folder, "n");
    expect(declined.code).toBe(1);
    expect(declined.questions).toEqual(["Install? [y/N] "]);
    expect(await getWasmTool(db, "chatx")).toBeUndefined();

    const { code, out } = await install(db, folder);
    expect(code).toBe(0);
    const text = out.join("\n");
    for (const expected of [
      "Channel chatx, version 1",
      "Description: A chat platform.",
      "WIT: ironclaw:plugin@0.1.0; imports ironclaw:plugin/host@0.1.0, ironclaw:plugin/channel-host@0.1.0, ironclaw:plugin/channel-types@0.1.0",
      "Owner: only messages from @owner:example.org reach the assistant.",
      "Network: GET, POST to chat.example.org (paths under /api).",
      "Credential: the host sends secret chatx_token to chat.example.org as Authorization: Bearer",
      "the channel never sees it (not stored yet: add it with `ironclaw secrets set chatx_token`)",
      "Webhooks: under /channels/chatx/, verified by the host before the channel sees them: header x-hook must equal secret chatx_hook.",
      "Polling: at most every 2 s, each poll up to 40 s.",
      "Emits: at most 5 messages or button presses per callback, 50 a minute.",
      'Config: {"homeserver":"https://chat.example.org"}.',
      "Limits per callback: 10 s, 64 MiB memory",
      "Installed chatx version 1",
      "The channel starts with the assistant's next start",
    ])
      expect(text).toContain(expected);
    const row = await getWasmTool(db, "chatx");
    expect(row?.kind).toBe("channel");
    expect(row?.manifest.kind).toBe("channel");
  });

  test("a manifest without owner_id is shown as pairing", async () => {
    const { db } = await database();
    const { owner_id: _owner, ...pairing } = manifest;
    const folder = folderWith({
      "chatx.wasm": channelBytes,
      "chatx.capabilities.json": JSON.stringify(pairing),
    });
    const { out } = await install(db, folder);
    expect(out.join("\n")).toContain(
      "Owner: pairing (the first person to message it gets a one-time code you confirm).",
    );
  });

  test("list, inspect, disable, enable, history, rollback and remove work for a channel", async () => {
    const { db } = await database();
    await install(
      db,
      folderWith({ "chatx.wasm": channelBytes, "chatx.capabilities.json": JSON.stringify(manifest) }),
    );
    await install(
      db,
      folderWith({ "chatx.wasm": otherChannelBytes, "chatx.capabilities.json": JSON.stringify(manifest) }),
    );
    const run = async (subcommand: string, ...rest: string[]) => {
      const session = terminal();
      const code = await runWithDatabase(subcommand, rest, db, session.io);
      return { code, text: session.out.join("\n") };
    };
    expect((await run("list")).text).toMatch(/^chatx {2}channel {2}v2 {2}enabled {2}/m);
    const inspected = await run("inspect", "chatx");
    expect(inspected.text).toContain("Channel chatx, version 2");
    expect(inspected.text).toContain("Polling: at most every 2 s");
    expect(inspected.text).toContain("Status: enabled");
    const disabled = await run("disable", "chatx");
    expect(disabled.text).toContain('Disabled "chatx".');
    expect(disabled.text).toContain("A running assistant applies it at its next start.");
    expect((await run("list")).text).toMatch(
      /^chatx {2}channel {2}v2 {2}disabled \(disabled by the owner\)/m,
    );
    expect((await run("enable", "chatx")).text).toContain('Enabled "chatx".');
    const history = await run("history", "chatx");
    expect(history.text).toMatch(
      /^v2 .* network: chat\.example\.org; secrets: chatx_hook, chatx_token {2}← current$/m,
    );
    const rollback = await run("rollback", "chatx", "1", "--yes");
    expect(rollback.code).toBe(0);
    expect(rollback.text).toContain("is now v3, the component of v1");
    expect(rollback.text).toContain("A running assistant applies it at its next start.");
    expect((await getWasmTool(db, "chatx"))?.kind).toBe("channel");
    expect((await listWasmToolVersions(db, "chatx")).map((version) => version.version)).toEqual([3, 2, 1]);
    const removed = await run("remove", "chatx");
    expect(removed.text).toContain('Removed "chatx" and its stored versions.');
    expect(removed.text).toContain("next start");
    expect(await getWasmTool(db, "chatx")).toBeUndefined();
  });

  test("a name installed as a tool is not taken over by a channel, nor the reverse", async () => {
    const { db } = await database();
    const toolFolder = folderWith({
      "chatx.wasm": toolBytes,
      "chatx.capabilities.json": JSON.stringify({ kind: "tool", name: "chatx" }),
    });
    expect((await install(db, toolFolder)).code).toBe(0);
    const channelFolder = folderWith({
      "chatx.wasm": channelBytes,
      "chatx.capabilities.json": JSON.stringify(manifest),
    });
    const target = await readInstallTarget([channelFolder], terminal().io);
    if (typeof target === "number") throw new Error("refused early");
    const error = await runToolsInstall(db, target, terminal().io).catch((caught: unknown) => caught);
    expect(installRefusal(error)).toContain(
      '"chatx" is installed as a tool; this is a channel: remove the tool first',
    );
    expect((await getWasmTool(db, "chatx"))?.kind).toBe("tool");
  });
});

test("a tool component with a channel manifest, or the reverse, is refused naming both", async () => {
  const toolAsChannel = await refusalOf(
    folderWith({ "chatx.wasm": toolBytes, "chatx.capabilities.json": JSON.stringify(manifest) }),
  );
  expect(toolAsChannel).toContain(
    'is a tool component (it exports the tool world) but its manifest is a channel\'s ("kind": "channel")',
  );
  expect(toolAsChannel).toContain("--channel");
  const channelAsTool = await refusalOf(
    folderWith({
      "chatx.wasm": channelBytes,
      "chatx.capabilities.json": JSON.stringify({ kind: "tool", name: "chatx" }),
    }),
  );
  expect(channelAsTool).toContain(
    'is a channel component (it exports the channel world) but its manifest is a tool\'s ("kind": "tool")',
  );
});

test("a channel manifest that takes a built-in channel's id is refused before anything is read", async () => {
  const refusal = await refusalOf(
    folderWith({
      "telegram.wasm": channelBytes,
      "telegram.capabilities.json": JSON.stringify({ ...manifest, name: "telegram" }),
    }),
  );
  expect(refusal).toContain('name: "telegram" is reserved');
});
