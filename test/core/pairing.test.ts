import { afterEach, expect, test } from "bun:test";
import { approvePairingCode } from "../../src/core/pairing.ts";
import { getOwnerIdentity } from "../../src/db/identities.ts";
import { childEnv, runCli, temporaryHome } from "../support/cli.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

const codeIn = (text: string | undefined) =>
  /ironclaw pairing approve memory ([A-Z2-9]{8})/.exec(text ?? "")?.[1];

forEachBackend("pairing", ({ database }) => {
  test("an unknown sender gets a one-time code; once approved they are the owner and others are ignored", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, { owner: false });
    open.push(harness);
    const { channel, llmServer, host } = harness;

    await channel.deliver("hello?", { senderId: "alice", chatId: "alice-dm" });
    await channel.deliver("hello again", { senderId: "alice", chatId: "alice-dm" });
    const code = codeIn(channel.texts()[0]);
    expect(code).toBeDefined();
    expect(codeIn(channel.texts()[1])).toBe(code as string); // the same code, not a new one each time
    expect(channel.sent.every((message) => message.chatId === "alice-dm")).toBe(true);
    expect(llmServer.requests).toHaveLength(0);

    // At most three codes are pending at once; the fourth stranger gets nothing.
    for (const sender of ["bob", "carol", "dave"])
      await channel.deliver("hi", { senderId: sender, chatId: `${sender}-dm` });
    expect(channel.sent.filter((message) => message.chatId === "dave-dm")).toHaveLength(0);

    expect((await approvePairingCode(handle.db, "memory", "WRONGCODE")).ok).toBe(false);
    const approved = await approvePairingCode(handle.db, "memory", (code as string).toLowerCase());
    expect(approved).toMatchObject({ ok: true, externalUserId: "alice" });
    expect((await getOwnerIdentity(handle.db, "memory"))?.source).toBe("pairing");
    expect((await approvePairingCode(handle.db, "memory", code as string)).ok).toBe(false); // one-time

    llmServer.enqueue({ text: "Hi Alice!" });
    await channel.deliver("now?", { senderId: "alice", chatId: "alice-dm" });
    await host.queue.drain();
    expect(channel.texts().at(-1)).toBe("Hi Alice!");
    const before = channel.sent.length;
    await channel.deliver("me too", { senderId: "bob", chatId: "bob-dm" });
    expect(channel.sent.length).toBe(before);
    expect(llmServer.requests).toHaveLength(1);
  });

  test("an expired code cannot be approved", async () => {
    const handle = await database();
    const harness = await startHostHarness(handle, { owner: false });
    open.push(harness);
    await harness.channel.deliver("hi", { senderId: "erin" });
    const code = codeIn(harness.channel.texts()[0]) as string;
    const later = new Date(Date.now() + 61 * 60_000);
    const result = await approvePairingCode(handle.db, "memory", code, later);
    expect(result).toEqual({
      ok: false,
      message: `No pending pairing code ${code} for memory (unknown, used or expired).`,
    });
  });
});

test("the pairing CLI explains an unknown code and its usage", async () => {
  const env = childEnv({ IRONCLAW_HOME: temporaryHome() });
  const unknown = await runCli(["pairing", "approve", "telegram", "ABCD2345"], env);
  expect(unknown.exitCode).toBe(1);
  expect(unknown.stdout).toContain("No pending pairing code ABCD2345 for telegram");
  const usage = await runCli(["pairing", "approve"], env);
  expect(usage.exitCode).toBe(2);
  expect(usage.stdout).toContain("Usage: ironclaw pairing");
}, 30_000);
