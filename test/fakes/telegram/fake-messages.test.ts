// The Telegram fake's messages and errors, driven by the real grammy client: grammy must surface
// them exactly as it would Telegram's (GrammyError with error_code, description, parameters).
import { describe, expect, test } from "bun:test";
import { Bot } from "grammy";
import { OWNER, rejection, TOKEN, useGrammyAgainstFake } from "./harness.ts";

const fake = useGrammyAgainstFake();

describe("telegram fake: messages and errors", () => {
  test("invalid HTML is a 400 'can't parse entities' GrammyError", async () => {
    const unclosed = await rejection(fake.bot.api.sendMessage(OWNER, "<b>bold", { parse_mode: "HTML" }));
    expect(unclosed.error_code).toBe(400);
    expect(unclosed.description).toStartWith("Bad Request: can't parse entities: ");
    const unknown = await rejection(fake.bot.api.sendMessage(OWNER, "a <email@x> b", { parse_mode: "HTML" }));
    expect(unknown.description).toContain('Unsupported start tag "email"');
    const crossed = await rejection(
      fake.bot.api.sendMessage(OWNER, "<b><i>x</b></i>", { parse_mode: "HTML" }),
    );
    expect(crossed.description).toContain("Unmatched end tag");
    const sent = await fake.bot.api.sendMessage(OWNER, "<b>ok</b> &lt;3", { parse_mode: "HTML" });
    expect(sent.text).toBe("ok <3");
  });

  test("text over 4096 characters is rejected; the limit counts visible text", async () => {
    const long = await rejection(fake.bot.api.sendMessage(OWNER, "x".repeat(4097)));
    expect(long.description).toBe("Bad Request: message is too long");
    await fake.bot.api.sendMessage(OWNER, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
  });

  test("429 with retry_after, then success", async () => {
    const tooMany = {
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    };
    fake.telegram.failNext("sendMessage", tooMany);
    const error = await rejection(fake.bot.api.sendMessage(OWNER, "hi"));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    expect((await fake.bot.api.sendMessage(OWNER, "hi")).message_id).toBe(1);
  });

  test("injected 403 from a user who blocked the bot", async () => {
    fake.telegram.failNext("sendMessage", {
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    const error = await rejection(fake.bot.api.sendMessage(OWNER, "hi"));
    expect(error.description).toBe("Forbidden: bot was blocked by the user");
  });

  test("edits: not modified, changed text, keyboard removal, unknown message", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Approve", callback_data: "approve:1" }]] };
    const sent = await fake.bot.api.sendMessage(OWNER, "draft", { reply_markup: keyboard });
    const same = await rejection(
      fake.bot.api.editMessageText(OWNER, sent.message_id, "draft", { reply_markup: keyboard }),
    );
    expect(same.description).toStartWith("Bad Request: message is not modified: ");
    await fake.bot.api.editMessageText(OWNER, sent.message_id, "final");
    const [message] = fake.telegram.messages(OWNER);
    expect(message).toMatchObject({ text: "final", replyMarkup: undefined });
    expect(message?.edits.map((edit) => edit.text)).toEqual(["final"]);
    const missing = await rejection(fake.bot.api.editMessageText(OWNER, 999, "x"));
    expect(missing.description).toBe("Bad Request: message to edit not found");
  });

  test("a button press arrives as a callback query that can be answered once", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Deny", callback_data: "deny:7" }]] };
    const sent = await fake.bot.api.sendMessage(OWNER, "Run it?", { reply_markup: keyboard });
    fake.telegram.pushCallbackQuery({ from: OWNER, messageId: sent.message_id, data: "deny:7" });
    const [update] = await fake.bot.api.getUpdates({ timeout: 0 });
    const query = update?.callback_query;
    expect(query).toMatchObject({
      data: "deny:7",
      message: { message_id: sent.message_id, text: "Run it?" },
    });
    expect(await fake.bot.api.answerCallbackQuery(query?.id ?? "")).toBe(true);
    expect((await rejection(fake.bot.api.answerCallbackQuery(query?.id ?? ""))).error_code).toBe(400);
    await fake.bot.api.editMessageReplyMarkup(OWNER, sent.message_id);
    expect(fake.telegram.messages(OWNER)[0]?.replyMarkup).toBeUndefined();
  });

  test("callback_data over 64 bytes is rejected", async () => {
    const keyboard = { inline_keyboard: [[{ text: "Go", callback_data: "x".repeat(65) }]] };
    const error = await rejection(fake.bot.api.sendMessage(OWNER, "?", { reply_markup: keyboard }));
    expect(error.description).toBe("Bad Request: BUTTON_DATA_INVALID");
  });

  test("a wrong token is 401 Unauthorized", async () => {
    const stranger = new Bot("1:wrong", { client: { apiRoot: fake.telegram.apiRoot } });
    const error = await rejection(stranger.api.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe("Unauthorized");
  });

  test("form bodies are understood like JSON", async () => {
    const form = new FormData();
    form.set("chat_id", String(OWNER));
    form.set("text", "from a form");
    form.set("reply_markup", JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }));
    const response = await fetch(`${fake.telegram.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: "POST",
      body: form,
    });
    expect(await response.json()).toMatchObject({
      ok: true,
      result: { chat: { id: OWNER }, text: "from a form" },
    });
    expect(fake.telegram.messages(OWNER)[0]?.replyMarkup?.inline_keyboard[0]?.[0]?.text).toBe("A");
  });

  test("waitFor rejects when nothing matches in time", async () => {
    await fake.bot.api.sendChatAction(OWNER, "typing");
    await expect(fake.telegram.waitFor((call) => call.method === "sendMessage", 50)).rejects.toThrow(
      "sendChatAction",
    );
  });
});
