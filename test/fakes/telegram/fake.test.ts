// The Telegram fake's long polling, driven by the real grammy client: if grammy's poller neither
// spins nor loses updates against it, channel tests built on the fake mean something.
import { describe, expect, test } from "bun:test";
import { OWNER, rejection, useGrammyAgainstFake } from "./harness.ts";

const fake = useGrammyAgainstFake();

describe("telegram fake: polling", () => {
  test("getMe answers with the bot behind the token", async () => {
    const me = await fake.bot.api.getMe();
    expect(me).toMatchObject({ id: 424242, is_bot: true, username: "ironclaw_test_bot" });
  });

  test("a held long poll returns as soon as an update is pushed", async () => {
    let settled = false;
    const poll = fake.bot.api.getUpdates({ timeout: 10 }).finally(() => {
      settled = true;
    });
    await Bun.sleep(60);
    expect(settled).toBe(false);
    const pushed = fake.telegram.pushMessage({ from: OWNER, text: "hello" });
    const updates = await poll;
    expect(updates.map((update) => update.update_id)).toEqual([pushed.update_id]);
    expect(updates[0]?.message).toMatchObject({ text: "hello", chat: { id: OWNER, type: "private" } });
  });

  test("an empty long poll answers [] after its timeout", async () => {
    const started = Date.now();
    const updates = await fake.bot.api.getUpdates({ timeout: 0.2 });
    expect(updates).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  test("offset acknowledges and drops lower updates for good", async () => {
    const [first, second, third] = ["a", "b", "c"].map((text) =>
      fake.telegram.pushMessage({ from: OWNER, text }),
    );
    expect(await fake.bot.api.getUpdates({ timeout: 0 })).toHaveLength(3);
    const remaining = await fake.bot.api.getUpdates({ offset: (second?.update_id ?? 0) + 1, timeout: 0 });
    expect(remaining.map((update) => update.update_id)).toEqual([third?.update_id ?? -1]);
    const again = await fake.bot.api.getUpdates({ timeout: 0 });
    expect(again.map((update) => update.update_id)).toEqual([third?.update_id ?? -1]);
    expect(first?.update_id).toBeLessThan(second?.update_id ?? 0);
  });

  test("bot.start() receives a command and replies, without spinning", async () => {
    fake.bot.command("start", (ctx) => ctx.reply(`hi ${ctx.from?.first_name}`));
    void fake.bot.start({ timeout: 5 });
    fake.telegram.pushMessage({ from: { id: OWNER, first_name: "Ada" }, text: "/start" });
    await fake.telegram.waitFor((call) => call.method === "sendMessage");
    expect(fake.telegram.messages(OWNER).map((message) => message.text)).toEqual(["hi Ada"]);
    expect(fake.telegram.calls.filter((call) => call.method === "getUpdates").length).toBeLessThan(5);
  });

  test("a stalled poll never answers until the stall ends", async () => {
    fake.telegram.stallPolling(true);
    fake.telegram.pushMessage({ from: OWNER, text: "waiting" });
    let settled = false;
    const poll = fake.bot.api.getUpdates({ timeout: 0 }).finally(() => {
      settled = true;
    });
    await Bun.sleep(150);
    expect(settled).toBe(false);
    fake.telegram.stallPolling(false);
    expect(await poll).toHaveLength(1);
  });

  test("a timed stall releases held polls by itself", async () => {
    fake.telegram.stallPolling(120);
    const started = Date.now();
    fake.telegram.pushMessage({ from: OWNER, text: "later" });
    expect(await fake.bot.api.getUpdates({ timeout: 0 })).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  test("redeliver hands acknowledged updates out again with the same ids", async () => {
    const pushed = fake.telegram.pushMessage({ from: OWNER, text: "once" });
    await fake.bot.api.getUpdates({ timeout: 0 });
    expect(await fake.bot.api.getUpdates({ offset: pushed.update_id + 1, timeout: 0 })).toEqual([]);
    fake.telegram.redeliver();
    const again = await fake.bot.api.getUpdates({ offset: pushed.update_id + 1, timeout: 0 });
    expect(again.map((update) => update.update_id)).toEqual([pushed.update_id]);
  });

  test("getUpdates is refused with 409 while a webhook is set", async () => {
    await fake.bot.api.setWebhook("https://example.com/hook");
    expect((await rejection(fake.bot.api.getUpdates({ timeout: 0 }))).error_code).toBe(409);
    await fake.bot.api.deleteWebhook();
    expect(await fake.bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });
});
