/**
 * A WASM channel from install to answer, with nothing faked but the LLM: a channel built from
 * source with the real builder, installed with `ironclaw tools install`'s functions, loaded at the
 * host's start by the real channel runtime (wasm-setup.ts), registered under its manifest's owner.
 * A webhook with the stored shared secret reaches the guest, its emitted message goes through the
 * host's pipeline (owner check from the manifest's owner_id) to the model, and the answer goes out
 * through the guest's on-respond; a webhook with a wrong secret is refused before guest code runs.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolsIo } from "../../src/cli/tools.ts";
import { readInstallTarget, runToolsInstall } from "../../src/cli/tools-install.ts";
import { readChannelState } from "../../src/db/wasm-channel-state.ts";
import { createInstalledChannelSet } from "../../src/host/wasm-setup.ts";
import { silentLogger } from "../../src/log.ts";
import { createSecretStore } from "../../src/secrets/store.ts";
import { buildTestChannel } from "../plugin/wasm/support/build-channel-guest.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const source = `
import { emitMessage, state } from "ironclaw:channel";
export function onStart() { return { webhooks: [{ path: "/events" }] }; }
export function onHttpRequest(request) {
  state.set("seen", String(Number(state.get("seen") ?? "0") + 1));
  const event = request.json();
  emitMessage({ messageId: event.id, chatId: event.chat, senderId: event.from, text: event.text });
  return { status: 200, body: { ok: true } };
}
export function onRespond(message) {
  state.set("reply:" + message.chatId, message.text);
  return { chatId: message.chatId, messageId: "r-" + message.deliveryId };
}
`;

const manifest = {
  kind: "channel",
  name: "chatx",
  secrets: { allowed_names: ["chatx_hook"] },
  webhook: { verification: { type: "shared-secret", header: "x-hook", secret: "chatx_hook" } },
  owner_id: "@owner:example.org",
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

const io: ToolsIo = {
  print: () => {},
  printError: () => {},
  isTerminal: false,
  ask: async () => "",
  cwd: "/",
};

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(50);
  }
}

forEachBackend("an installed WASM channel in a running host", ({ database }) => {
  test("install → start → verified webhook → pipeline → model → on-respond; a bad secret is a 401", async () => {
    const handle = await database();
    const folder = mkdtempSync(join(tmpdir(), "ironclaw-channel-e2e-"));
    writeFileSync(join(folder, "chatx.wasm"), await buildTestChannel(source));
    writeFileSync(join(folder, "chatx.capabilities.json"), JSON.stringify(manifest));
    const target = await readInstallTarget([folder, "--yes"], io);
    if (typeof target === "number") throw new Error("refused");
    expect(await runToolsInstall(handle.db, target, io)).toBe(0);

    const home = mkdtempSync(join(tmpdir(), "ironclaw-channel-home-"));
    const secrets = createSecretStore({ db: handle.db, home, environmentKey: "k".repeat(40) });
    await secrets.set("chatx_hook", "hook-secret-value-123");
    const wasmChannels = createInstalledChannelSet({
      home,
      db: handle.db,
      log: silentLogger,
      revealSecret: (name) => secrets.reveal(name),
    });
    const harness = await startHostHarness(handle, {
      overrides: { wasmChannels },
      script: [{ text: "Hi owner." }],
    });
    open.push(harness);
    expect(harness.host.health().chatx).toEqual({ ok: true });
    const channel = harness.host.channels.get("chatx");
    expect(channel?.handleHttp).toBeDefined();

    const post = (secret: string, event: Record<string, string>) =>
      channel?.handleHttp?.(
        new Request("http://localhost/channels/chatx/events", {
          method: "POST",
          headers: { "content-type": "application/json", "x-hook": secret },
          body: JSON.stringify(event),
        }),
        "/events",
      );
    const refused = await post("wrong-secret", {
      id: "e0",
      chat: "dm",
      from: "@owner:example.org",
      text: "x",
    });
    expect(refused?.status).toBe(401);
    expect(await readChannelState(handle.db, "chatx", "seen")).toBeUndefined();

    // A stranger is ignored (the owner is the manifest's); the owner gets the model's answer.
    const stranger = await post("hook-secret-value-123", {
      id: "e1",
      chat: "dm-s",
      from: "@eve:example.org",
      text: "hi",
    });
    expect(stranger?.status).toBe(200);
    const owner = await post("hook-secret-value-123", {
      id: "e2",
      chat: "dm-o",
      from: "@owner:example.org",
      text: "hi",
    });
    expect(owner?.status).toBe(200);
    await eventually(async () => (await readChannelState(handle.db, "chatx", "reply:dm-o")) === "Hi owner.");
    expect(await readChannelState(handle.db, "chatx", "seen")).toBe("2");
    expect(await readChannelState(handle.db, "chatx", "reply:dm-s")).toBeUndefined();
    expect(harness.llmServer.requests).toHaveLength(1);
  }, 120_000);
});
