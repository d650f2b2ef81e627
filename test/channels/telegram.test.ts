/**
 * The Telegram channel end to end: the real grammY client talks to the fake Bot API over HTTP,
 * the real host (pipeline, agent, approvals, database) runs behind it, and the real OpenAI SDK
 * talks to the fake LLM.
 */

import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { BlankMessageError } from "../../channels/shared/multipart-messenger.ts";
import { createTelegramChannel, type TelegramChannelConfig } from "../../channels/telegram/index.ts";
import { approvePairingCode } from "../../src/core/pairing.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import type { Script } from "../fakes/llm/scripted-server.ts";
import { startTelegramFake, type TelegramFake } from "../fakes/telegram/bot-api-fake.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const OWNER = 4242;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  handle: DatabaseHandle;
  fake?: TelegramFake;
  owner?: boolean;
  script?: Script[];
  tools?: Tool[];
  channel?: Partial<TelegramChannelConfig>;
}

async function start(setup: Setup) {
  const fake = setup.fake ?? startTelegramFake();
  if (!setup.fake) cleanups.push(() => fake.close());
  const channel = createTelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    mode: "polling",
    pollTimeoutSeconds: 1,
    watchdogMarginMs: 400,
    ...setup.channel,
  });
  const harness = await startHostHarness(setup.handle, {
    channels: [channel],
    env: setup.owner === false ? {} : { TELEGRAM_OWNER_ID: String(OWNER) },
    owner: false,
    script: setup.script,
    tools: setup.tools,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await harness.close();
  };
  cleanups.push(close);
  return { ...harness, fake, telegram: channel, close };
}

const sentTexts = (fake: TelegramFake, chatId = OWNER) =>
  fake
    .messages(chatId)
    .filter((m) => !m.deleted)
    .map((m) => m.plainText);
/** Starts a host whose model asks for `deploy`, sends "deploy", and waits for the approval prompt. */
async function startWithPrompt(handle: DatabaseHandle, runs: string[], finalText: string) {
  const started = await start({
    handle,
    tools: [createRiskyTool(runs)],
    script: [
      { toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }] },
      { text: finalText },
    ],
  });
  const { fake } = started;
  fake.pushMessage({ from: OWNER, text: "deploy" });
  await fake.waitFor(() => fake.messages(OWNER).some((m) => m.replyMarkup?.inline_keyboard.length));
  const prompt = fake.messages(OWNER).find((m) => m.replyMarkup?.inline_keyboard.length);
  return { ...started, prompt, buttons: prompt?.replyMarkup?.inline_keyboard[0] ?? [] };
}

function callbackDataOf(button: unknown): string {
  return (button as { callback_data?: string } | undefined)?.callback_data ?? "";
}

/** Polls the fake's chat state (a predicate on calls would not be re-checked once calls stop). */
async function waitForText(
  fake: TelegramFake,
  predicate: (texts: string[]) => boolean,
  chatId = OWNER,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate(sentTexts(fake, chatId))) {
    if (Date.now() > deadline)
      throw new Error(`timed out; chat shows ${JSON.stringify(sentTexts(fake, chatId))}`);
    await Bun.sleep(20);
  }
}

forEachBackend("telegram channel", ({ database }) => {
  test("the owner's message gets a streamed reply, with a typing indicator", async () => {
    const reply =
      "Here is a fairly long answer that arrives in many streamed pieces, so the channel edits one message. "
        .repeat(3)
        .trim();
    const { fake, host } = await start({ handle: await database(), script: [{ text: reply }] });
    fake.pushMessage({ from: OWNER, text: "hi" });
    await waitForText(fake, (texts) => texts.includes(reply));
    await host.queue.drain();
    expect(sentTexts(fake)).toEqual([reply]);
    expect(
      fake.calls.some((call) => call.method === "sendChatAction" && call.params.action === "typing"),
    ).toBe(true);
  });

  test("strangers are ignored and never reach the LLM", async () => {
    const { fake, llmServer } = await start({ handle: await database() });
    fake.pushMessage({ from: 999, text: "let me in" });
    await fake.waitFor((call) => call.method === "getUpdates" && Number(call.params.offset) > 0);
    expect(fake.calls.filter((call) => call.method === "sendMessage")).toHaveLength(0);
    expect(llmServer.requests).toHaveLength(0);
  });

  test("pairing: without TELEGRAM_OWNER_ID a sender gets a code, and after approval is the owner", async () => {
    const handle = await database();
    const { fake } = await start({ handle, owner: false, script: [{ text: "Paired and listening." }] });
    fake.pushMessage({ from: 777, text: "hello" });
    await waitForText(
      fake,
      (texts) => texts.some((text) => text.includes("ironclaw pairing approve telegram")),
      777,
    );
    const code = /approve telegram ([A-Z2-9]{8})/.exec(sentTexts(fake, 777)[0] ?? "")?.[1] as string;
    expect((await approvePairingCode(handle.db, "telegram", code)).ok).toBe(true);
    fake.pushMessage({ from: 777, text: "now?" });
    await waitForText(fake, (texts) => texts.includes("Paired and listening."), 777);
  });

  test("a redelivered update and a restart never produce a second reply", async () => {
    const handle = await database();
    const fake = startTelegramFake();
    cleanups.push(() => fake.close());
    const first = await start({ handle, fake, script: [{ text: "only once" }] });
    fake.pushMessage({ from: OWNER, text: "ping" });
    await waitForText(fake, (texts) => texts.includes("only once"));
    await first.host.queue.drain();
    fake.redeliver();
    await fake.waitFor((call) => call.method === "getUpdates" && call.at > Date.now() - 50, 5000);
    await first.close();
    // A new process on the same database sees the same update again (acknowledgement lost).
    const second = await start({ handle, fake });
    fake.redeliver();
    await fake.waitFor((call) => call.method === "getUpdates" && call.at > Date.now() - 50, 5000);
    await second.host.queue.drain();
    expect(sentTexts(fake)).toEqual(["only once"]);
    expect(second.llmServer.requests).toHaveLength(0);
  });

  test("a stalled poll is noticed by the watchdog and polling recovers", async () => {
    const { fake, telegram } = await start({ handle: await database(), script: [{ text: "still here" }] });
    await fake.waitFor((call) => call.method === "getUpdates");
    fake.stallPolling(true);
    const stalledAt = Date.now();
    await fake.waitFor((call) => call.method === "getUpdates" && call.at > stalledAt + 1200, 8000); // a fresh poll after the abort
    fake.stallPolling(false);
    fake.pushMessage({ from: OWNER, text: "are you there?" });
    await waitForText(fake, (texts) => texts.includes("still here"));
    expect(telegram.health?.().ok).toBe(true);
  });

  test("a reply over 4096 characters is split at paragraphs, code blocks intact", async () => {
    const paragraph = "word ".repeat(600).trim(); // ~3000 characters
    const code = `\`\`\`js\n${"const x = 1 < 2;\n".repeat(50)}\`\`\``;
    const reply = [paragraph, code, paragraph].join("\n\n");
    const { fake, host, llmServer } = await start({ handle: await database(), script: [{ text: reply }] });
    fake.pushMessage({ from: OWNER, text: "long please" });
    await waitForText(fake, (texts) => texts.length > 0);
    while (llmServer.requests.length === 0) await Bun.sleep(10);
    await host.queue.drain();
    expect(sentTexts(fake).join("").replaceAll(/\s+/g, "")).toBe(
      [paragraph, "const x = 1 < 2;\n".repeat(50), paragraph].join("").replaceAll(/\s+/g, ""),
    );
    const messages = fake.messages(OWNER).filter((m) => !m.deleted);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.every((m) => m.text.length <= 4096)).toBe(true);
    const withCode = messages.filter((m) => m.text.includes("<pre>"));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]?.plainText).toContain("const x = 1 < 2;");
  });

  test("HTML is escaped; when Telegram still rejects it the text goes out plain", async () => {
    const { fake } = await start({
      handle: await database(),
      script: [{ text: "Write to <email@x> if a < b && c > d." }, { text: "**second** reply" }],
    });
    fake.pushMessage({ from: OWNER, text: "one" });
    await waitForText(fake, (texts) => texts.includes("Write to <email@x> if a < b && c > d."));
    fake.failNext("sendMessage", {
      error_code: 400,
      description: "Bad Request: can't parse entities: unsupported start tag",
    });
    fake.pushMessage({ from: OWNER, text: "two" });
    await waitForText(fake, (texts) => texts.includes("second reply"));
    const sends = fake.calls.filter((call) => call.method === "sendMessage");
    const retried = sends.at(-1);
    expect(retried?.params.parse_mode).toBeUndefined(); // the plain-text retry after the 400
  });

  test("stickers get a polite reply, malformed updates are skipped, and polling goes on", async () => {
    const { fake } = await start({ handle: await database(), script: [{ text: "still fine" }] });
    fake.pushUpdate({
      message: {
        message_id: 70,
        date: 1,
        chat: { id: OWNER, type: "private", first_name: "O" },
        from: { id: OWNER, is_bot: false, first_name: "O" },
        sticker: { file_id: "x" },
      } as never,
    });
    fake.pushUpdate({ message: { message_id: 71 } as never });
    await waitForText(fake, (texts) =>
      texts.some((text) => text.startsWith("Sorry, I can only read text messages")),
    );
    fake.pushMessage({ from: OWNER, text: "and now?" });
    await waitForText(fake, (texts) => texts.includes("still fine"));
  });

  test("a blocked bot (403) and edits of deleted messages are logged, and the next message is served", async () => {
    const handle = await database();
    const { fake, host } = await start({
      handle,
      script: [{ text: "you will not see this" }, { text: "back to normal" }],
    });
    fake.failNext(
      "sendMessage",
      { error_code: 403, description: "Forbidden: bot was blocked by the user" },
      2,
    );
    fake.failNext(
      "editMessageText",
      { error_code: 400, description: "Bad Request: message to edit not found" },
      5,
    );
    fake.pushMessage({ from: OWNER, text: "first" });
    await fake.waitFor((call) => call.method === "sendMessage", 5000);
    while (fake.calls.filter((call) => call.method === "sendMessage").length < 2) await Bun.sleep(10);
    await host.queue.drain();
    fake.pushMessage({ from: OWNER, text: "second" });
    await waitForText(fake, (texts) => texts.includes("back to normal"));
    const stored = await handle.query<{ content: string }>(
      sql`select content from messages where direction = 'inbound' order by sequence`,
    );
    expect(stored.map((row) => row.content)).toEqual(["first", "second"]);
  });

  test("a 429 is retried after retry_after", async () => {
    const { fake } = await start({ handle: await database(), script: [{ text: "after the wait" }] });
    fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });
    fake.pushMessage({ from: OWNER, text: "go" });
    await waitForText(fake, (texts) => texts.includes("after the wait"));
    const sends = fake.calls.filter((call) => call.method === "sendMessage");
    expect(sends.length).toBe(2);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  test("a 429 longer than the wait cap fails the send at once instead of holding the chat", async () => {
    const { fake, telegram } = await start({ handle: await database() });
    fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 3600",
      parameters: { retry_after: 3600 },
    });
    // Without the cap this waits an hour (and times the test out).
    await expect(telegram.send({ chatId: String(OWNER) }, { text: "not now" })).rejects.toThrow(
      /429|Too Many/,
    );
    expect(fake.calls.filter((call) => call.method === "sendMessage")).toHaveLength(1);
  });

  test("stopping the channel cuts a 429 wait short", async () => {
    const { fake, telegram } = await start({ handle: await database() });
    fake.failNext("sendMessage", {
      error_code: 429,
      description: "Too Many Requests: retry after 45",
      parameters: { retry_after: 45 },
    });
    const sending = telegram.send({ chatId: String(OWNER) }, { text: "not now" });
    const settled = sending.then(
      () => "sent",
      () => "failed",
    );
    await fake.waitFor((call) => call.method === "sendMessage");
    await telegram.stop(); // without the abort, the send waits 45 s (and times the test out)
    expect(await settled).toBe("failed");
    expect(fake.calls.filter((call) => call.method === "sendMessage")).toHaveLength(1);
  });

  test("a blank send never reaches Telegram and yields no ref", async () => {
    const { fake, telegram } = await start({ handle: await database() });
    for (const blank of ["", "  \n\t "]) {
      await expect(telegram.send({ chatId: String(OWNER) }, { text: blank })).rejects.toBeInstanceOf(
        BlankMessageError,
      );
    }
    expect(fake.calls.filter((call) => call.method === "sendMessage")).toHaveLength(0);
  });

  for (const [decision, label] of [
    ["approve", "Approved"],
    ["always", "Always allowed"],
    ["deny", "Denied"],
  ] as const) {
    test(`an approval button press (${decision}) is verified, answered and the prompt settled`, async () => {
      const runs: string[] = [];
      const { fake, prompt, buttons } = await startWithPrompt(await database(), runs, "finished");
      expect(buttons.map((button) => button.text)).toEqual(["✅ Approve", "♾️ Always", "❌ Deny"]);
      const data = (
        buttons.find((button) =>
          button.text.toLowerCase().includes(decision === "always" ? "always" : decision),
        ) as { callback_data: string }
      ).callback_data;
      fake.pushCallbackQuery({ from: OWNER, messageId: prompt?.messageId as number, data });
      await waitForText(fake, (texts) => texts.includes("finished"));
      const answer = await fake.waitFor((call) => call.method === "answerCallbackQuery");
      expect(String(answer.params.text)).toBe(`${label}: deploy`);
      const settled = fake.messages(OWNER).find((m) => m.messageId === prompt?.messageId);
      expect(settled?.plainText).toContain(label);
      expect(settled?.replyMarkup?.inline_keyboard ?? []).toHaveLength(0);
      expect(runs).toEqual(decision === "deny" ? [] : ["prod"]);
    });
  }

  test("stale, foreign and undecodable presses get an alert and change nothing", async () => {
    const runs: string[] = [];
    const { fake, prompt, buttons } = await startWithPrompt(await database(), runs, "denied, ok");
    const [approve, , deny] = buttons;
    const pressAndAnswer = async (from: number, data: string) => {
      const before = fake.calls.filter((call) => call.method === "answerCallbackQuery").length;
      fake.pushCallbackQuery({ from, chatId: OWNER, messageId: prompt?.messageId as number, data });
      await fake.waitFor(
        () => fake.calls.filter((call) => call.method === "answerCallbackQuery").length > before,
      );
      return fake.calls.filter((call) => call.method === "answerCallbackQuery").at(-1)?.params ?? {};
    };
    const foreign = await pressAndAnswer(555, (approve as { callback_data: string }).callback_data);
    expect(foreign).toMatchObject({ text: "Only the owner can decide this.", show_alert: true });
    const garbage = await pressAndAnswer(OWNER, "not-ours");
    expect(garbage).toMatchObject({ text: "This button is no longer valid.", show_alert: true });
    await pressAndAnswer(OWNER, (deny as { callback_data: string }).callback_data);
    await waitForText(fake, (texts) => texts.includes("denied, ok"));
    const stale = await pressAndAnswer(OWNER, (approve as { callback_data: string }).callback_data);
    expect(String(stale.text)).toStartWith("This was already decided");
    expect(stale.show_alert).toBe(true);
    expect(runs).toEqual([]);
  });

  test("a button pressed after a restart resumes the turn", async () => {
    const handle = await database();
    const fake = startTelegramFake();
    cleanups.push(() => fake.close());
    const runs: string[] = [];
    const first = await start({
      handle,
      fake,
      tools: [createRiskyTool(runs)],
      script: [{ toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }] }],
    });
    fake.pushMessage({ from: OWNER, text: "deploy" });
    await fake.waitFor(() => fake.messages(OWNER).some((m) => m.replyMarkup?.inline_keyboard.length));
    await first.close();
    const prompt = fake.messages(OWNER).find((m) => m.replyMarkup?.inline_keyboard.length);
    const second = await start({
      handle,
      fake,
      tools: [createRiskyTool(runs)],
      script: [{ text: "deployed after restart" }],
    });
    fake.pushCallbackQuery({
      from: OWNER,
      messageId: prompt?.messageId as number,
      data: callbackDataOf(prompt?.replyMarkup?.inline_keyboard[0]?.[0]),
    });
    await waitForText(fake, (texts) => texts.includes("deployed after restart"));
    expect(runs).toEqual(["prod"]);
    expect(second.llmServer.requests).toHaveLength(1);
  });

  test("webhook mode rejects a wrong secret and handles a right one", async () => {
    const { fake, telegram } = await start({
      handle: await database(),
      channel: { mode: "webhook", webhookSecret: "s3cret" },
      script: [{ text: "via webhook" }],
    });
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: OWNER, type: "private", first_name: "O" },
        from: { id: OWNER, is_bot: false, first_name: "O" },
        text: "hook",
      },
    };
    const post = (secret: string) =>
      telegram.handleHttp?.(
        new Request("http://local/channels/telegram/webhook", {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
          body: JSON.stringify(update),
        }),
        "/webhook",
      );
    expect((await post("wrong"))?.status).toBe(401);
    expect((await post("s3cret"))?.status).toBe(200);
    await waitForText(fake, (texts) => texts.includes("via webhook"));
  });
});
