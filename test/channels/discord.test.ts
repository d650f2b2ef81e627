/**
 * The Discord channel end to end: the real discord.js client talks to the fake Discord (REST and
 * gateway WebSocket), the real host (pipeline, agent, approvals, database) runs behind it, and the
 * real OpenAI SDK talks to the fake LLM.
 */

import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createDiscordChannel, type DiscordChannelConfig } from "../../channels/discord/index.ts";
import { BlankMessageError } from "../../channels/shared/multipart-messenger.ts";
import { approvePairingCode } from "../../src/core/pairing.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { silentLogger } from "../../src/log.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import { type DiscordFake, type FakeMessage, startDiscordFake } from "../fakes/discord/discord-fake.ts";
import type { Script } from "../fakes/llm/scripted-server.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";

const OWNER = "300000000000000001";
const STRANGER = "300000000000000666";
const POST_MESSAGE = "POST /channels/:channel/messages";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  handle: DatabaseHandle;
  fake?: DiscordFake;
  owner?: boolean;
  script?: Script[];
  tools?: Tool[];
  channel?: Partial<DiscordChannelConfig>;
}

async function start(setup: Setup) {
  const fake = setup.fake ?? startDiscordFake();
  if (!setup.fake) cleanups.push(() => fake.close());
  const channel = createDiscordChannel({ token: fake.token, apiUrl: fake.apiUrl, ...setup.channel });
  const harness = await startHostHarness(setup.handle, {
    channels: [channel],
    env: setup.owner === false ? {} : { DISCORD_OWNER_ID: OWNER },
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
  return { ...harness, fake, discord: channel, close };
}

const visible = (fake: DiscordFake, user = OWNER): FakeMessage[] =>
  fake.messages(fake.dmChannelId(user)).filter((message) => !message.deleted);
const texts = (fake: DiscordFake, user = OWNER) => visible(fake, user).map((message) => message.content);

/** Polls the fake's chat state until `predicate` holds (10 s deadline). */
async function waitForTexts(fake: DiscordFake, predicate: (shown: string[]) => boolean, user = OWNER) {
  const deadline = Date.now() + 10_000;
  while (!predicate(texts(fake, user))) {
    if (Date.now() > deadline) throw new Error(`timed out; chat shows ${JSON.stringify(texts(fake, user))}`);
    await Bun.sleep(20);
  }
}

interface Button {
  custom_id: string;
  label: string;
  style: number;
  disabled?: boolean;
}
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  ((message?.components[0] as { components?: Button[] } | undefined)?.components ?? []) as Button[];

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
  fake.pushDm({ from: OWNER, text: "deploy" });
  const prompt = await fake.waitFor(
    () => visible(fake).find((message) => buttonsOf(message).length > 0),
    10_000,
  );
  return { ...started, prompt, buttons: buttonsOf(prompt) };
}

/** Presses a button and waits until the press was answered (acknowledged and, if refused, told so). */
async function press(fake: DiscordFake, input: { from: string; messageId: string; customId: string }) {
  const interaction = fake.pressButton({ ...input, channelId: fake.dmChannelId(OWNER) });
  await fake.waitFor(() => fake.interaction(interaction.id)?.ack);
  return interaction;
}

forEachBackend("discord channel", ({ database }) => {
  test("the owner's DM gets a streamed reply, edited in place, with a typing indicator", async () => {
    const reply =
      "Here is a fairly long answer that arrives in many streamed pieces, so the channel edits one message. "
        .repeat(3)
        .trim();
    const { fake, host, discord, close } = await start({
      handle: await database(),
      script: [{ text: reply }],
    });
    expect(discord.health?.()).toEqual({ ok: true, detail: "connected as ironclaw-test" });
    fake.pushDm({ from: OWNER, text: "hi" });
    await waitForTexts(fake, (shown) => shown.includes(reply));
    await host.queue.drain();
    const [message] = visible(fake);
    expect(texts(fake)).toEqual([reply]);
    expect(message?.edits.length).toBeGreaterThan(0); // streamed: sent early, then edited
    expect(fake.calls.some((call) => call.route === "POST /channels/:channel/typing")).toBe(true);
    const posts = fake.calls.filter((call) => call.route === POST_MESSAGE);
    expect(posts.every((call) => JSON.stringify(call.body.allowed_mentions) === '{"parse":[]}')).toBe(true);
    await close();
    expect(discord.health?.()).toEqual({ ok: false, detail: "stopped" });
    await fake.waitFor(() => !fake.connected);
  });

  test("strangers are ignored and never reach the LLM", async () => {
    const { fake, llmServer } = await start({ handle: await database(), script: [{ text: "only for you" }] });
    fake.pushDm({ from: STRANGER, text: "let me in" });
    fake.pushDm({ from: OWNER, text: "hello" });
    await waitForTexts(fake, (shown) => shown.includes("only for you"));
    expect(visible(fake, STRANGER)).toHaveLength(0);
    expect(llmServer.requests).toHaveLength(1);
    expect(JSON.stringify(llmServer.requests[0]?.body)).not.toContain("let me in");
  });

  test("pairing: without DISCORD_OWNER_ID a sender gets a code, and after approval is the owner", async () => {
    const handle = await database();
    const { fake } = await start({ handle, owner: false, script: [{ text: "Paired and listening." }] });
    fake.pushDm({ from: STRANGER, text: "hello" });
    await waitForTexts(
      fake,
      (shown) => shown.some((text) => text.includes("ironclaw pairing approve discord")),
      STRANGER,
    );
    const code = /approve discord ([A-Z2-9]{8})/.exec(texts(fake, STRANGER)[0] ?? "")?.[1] as string;
    expect((await approvePairingCode(handle.db, "discord", code)).ok).toBe(true);
    fake.pushDm({ from: STRANGER, text: "now?" });
    await waitForTexts(fake, (shown) => shown.includes("Paired and listening."), STRANGER);
  });

  test("a reply over 2000 characters is split at paragraphs, code blocks intact", async () => {
    const paragraph = `${"word ".repeat(200).trim()}.`; // 1000 characters: two with "\n\n" are 2002
    const code = `\`\`\`js\n${"const x = 1 < 2;\n".repeat(40)}\`\`\``; // ~700 characters
    const reply = [paragraph, paragraph, code, paragraph].join("\n\n");
    const { fake, host, llmServer } = await start({ handle: await database(), script: [{ text: reply }] });
    fake.pushDm({ from: OWNER, text: "long please" });
    await waitForTexts(fake, (shown) => shown.length > 0);
    while (llmServer.requests.length === 0) await Bun.sleep(10);
    await host.queue.drain();
    const shown = texts(fake);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.every((text) => text.length <= 2000)).toBe(true);
    expect(shown[0]).toBe(paragraph);
    expect(shown.join("").replaceAll(/\s+/g, "")).toBe(reply.replaceAll(/\s+/g, ""));
    const withCode = shown.filter((text) => text.includes("```"));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]).toContain(code);
  });

  for (const [decision, label] of [
    ["approve", "Approved"],
    ["always", "Always allowed"],
    ["deny", "Denied"],
  ] as const) {
    test(`an approval button press (${decision}) is acknowledged in time, and the prompt settled`, async () => {
      const runs: string[] = [];
      const { fake, prompt, buttons } = await startWithPrompt(await database(), runs, "finished");
      expect(buttons.map((button) => button.label)).toEqual(["Approve", "Always", "Deny"]);
      expect(prompt.content).toContain("`deploy`");
      const button = buttons.find((candidate) => candidate.label.toLowerCase() === decision) as Button;
      const interaction = await press(fake, {
        from: OWNER,
        messageId: prompt.id,
        customId: button.custom_id,
      });
      await waitForTexts(fake, (shown) => shown.includes("finished"));
      const answered = fake.interaction(interaction.id);
      expect(answered?.ack?.type).toBe(6); // deferred update: acknowledged before deciding
      expect((answered?.ack?.at ?? Number.POSITIVE_INFINITY) - interaction.createdAt).toBeLessThan(3000);
      expect(answered?.replies).toEqual([]);
      const settled = fake.message(prompt.id);
      expect(settled?.content).toContain(label);
      expect(buttonsOf(settled).every((candidate) => candidate.disabled)).toBe(true);
      expect(buttonsOf(settled).find((candidate) => candidate.custom_id === button.custom_id)?.style).toBe(
        button.style,
      );
      expect(runs).toEqual(decision === "deny" ? [] : ["prod"]);
    });
  }

  test("stale, foreign, unknown and undecodable presses get an ephemeral notice and change nothing", async () => {
    const runs: string[] = [];
    const { fake, prompt, buttons } = await startWithPrompt(await database(), runs, "denied, ok");
    const [approve, , deny] = buttons as [Button, Button, Button];
    const noticeOf = async (from: string, customId: string) => {
      const interaction = await press(fake, { from, messageId: prompt.id, customId });
      const replies = await fake.waitFor(() => {
        const found = fake.interaction(interaction.id)?.replies;
        return found?.length ? found : undefined;
      });
      return replies;
    };
    expect(await noticeOf(STRANGER, approve.custom_id)).toEqual([
      expect.objectContaining({ content: "Only the owner can decide this.", ephemeral: true }),
    ]);
    expect(await noticeOf(OWNER, "not-ours")).toEqual([
      expect.objectContaining({ content: "This button is no longer valid.", ephemeral: true }),
    ]);
    expect((await noticeOf(OWNER, "ap:zzzzzzzzzz:a"))[0]).toMatchObject({
      content: "No approval with id zzzzzzzzzz.",
      ephemeral: true,
    });
    expect(fake.message(prompt.id)?.edits).toHaveLength(0);
    await press(fake, { from: OWNER, messageId: prompt.id, customId: deny.custom_id });
    await waitForTexts(fake, (shown) => shown.includes("denied, ok"));
    const settledVersions = fake.message(prompt.id)?.edits.length;
    const stale = await noticeOf(OWNER, approve.custom_id);
    expect(stale[0]?.content).toStartWith("This was already decided");
    expect(stale[0]?.ephemeral).toBe(true);
    expect(fake.message(prompt.id)?.edits.length).toBe(settledVersions as number);
    expect(runs).toEqual([]);
  });

  test("a button pressed after a restart resumes the turn", async () => {
    const handle = await database();
    const fake = startDiscordFake();
    cleanups.push(() => fake.close());
    const runs: string[] = [];
    const first = await start({
      handle,
      fake,
      tools: [createRiskyTool(runs)],
      script: [{ toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }] }],
    });
    fake.pushDm({ from: OWNER, text: "deploy" });
    const prompt = await fake.waitFor(
      () => visible(fake).find((message) => buttonsOf(message).length > 0),
      10_000,
    );
    await first.close();
    const second = await start({
      handle,
      fake,
      tools: [createRiskyTool(runs)],
      script: [{ text: "deployed after restart" }],
    });
    await press(fake, {
      from: OWNER,
      messageId: prompt.id,
      customId: buttonsOf(prompt)[0]?.custom_id as string,
    });
    await waitForTexts(fake, (shown) => shown.includes("deployed after restart"));
    expect(runs).toEqual(["prod"]);
    expect(second.llmServer.requests).toHaveLength(1);
  });

  for (const [code, how] of [
    [4000, "resumes"],
    [4007, "identifies afresh"],
  ] as const) {
    test(`after the gateway closes with ${code} the client ${how}, health follows, and DMs keep arriving`, async () => {
      const { fake, discord } = await start({
        handle: await database(),
        script: [{ text: "before" }, { text: "after" }],
      });
      fake.pushDm({ from: OWNER, text: "one" });
      await waitForTexts(fake, (shown) => shown.includes("before"));
      fake.disconnect(code);
      await fake.waitFor(() => discord.health?.().ok === false);
      expect(discord.health?.().detail).toBe("reconnecting to the gateway");
      // Sent while the socket is down: a resume replays it; a fresh session would not see it.
      if (code === 4000) fake.pushDm({ from: OWNER, text: "two" });
      await fake.waitFor(() => discord.health?.().ok, 15_000);
      if (code !== 4000) fake.pushDm({ from: OWNER, text: "two" });
      await waitForTexts(fake, (shown) => shown.includes("after"));
      expect(fake.resumes()).toBe(code === 4000 ? 1 : 0);
      expect(fake.identifies()).toBe(code === 4000 ? 1 : 2);
      expect(discord.health?.()).toEqual({ ok: true, detail: "connected as ironclaw-test" });
    }, 30_000);
  }

  test("a duplicate MESSAGE_CREATE, and the same one after a restart, get one reply", async () => {
    const handle = await database();
    const fake = startDiscordFake();
    cleanups.push(() => fake.close());
    const first = await start({ handle, fake, script: [{ text: "only once" }, { text: "barrier one" }] });
    const original = fake.pushDm({ from: OWNER, text: "ping" });
    await waitForTexts(fake, (shown) => shown.includes("only once"));
    fake.redeliver(original);
    fake.pushDm({ from: OWNER, text: "next" });
    await waitForTexts(fake, (shown) => shown.includes("barrier one"));
    await first.close();
    // A new process on the same database: discord.js's cache is empty, the host's dedupe is not.
    const second = await start({ handle, fake, script: [{ text: "barrier two" }] });
    fake.redeliver(original);
    fake.pushDm({ from: OWNER, text: "and next" });
    await waitForTexts(fake, (shown) => shown.includes("barrier two"));
    expect(texts(fake)).toEqual(["only once", "barrier one", "barrier two"]);
    expect(second.llmServer.requests).toHaveLength(1);
  });

  test("a 429 is waited out (Retry-After) and the message delivered", async () => {
    const { fake } = await start({ handle: await database(), script: [{ text: "after the wait" }] });
    fake.failNext(POST_MESSAGE, { status: 429, retryAfter: 1 });
    fake.pushDm({ from: OWNER, text: "go" });
    await waitForTexts(fake, (shown) => shown.includes("after the wait"));
    const posts = fake.calls.filter((call) => call.route === POST_MESSAGE);
    expect(posts.map((call) => call.status)).toEqual([429, 200]);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(fake.violations).toEqual([]);
  });

  test("a 429 longer than maxRateLimitWaitMs fails the send instead of holding the turn", async () => {
    const { fake, host } = await start({
      handle: await database(),
      channel: { maxRateLimitWaitMs: 500 },
      script: [{ text: "not now" }],
    });
    fake.failNext(POST_MESSAGE, { status: 429, retryAfter: 60 });
    fake.pushDm({ from: OWNER, text: "go" });
    await fake.waitFor(() => fake.calls.some((call) => call.route === POST_MESSAGE));
    await host.queue.drain(); // would wait a minute without the cap (and time the test out)
    const statuses = fake.calls.filter((call) => call.route === POST_MESSAGE).map((call) => call.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 429)).toBe(true); // given up, not retried past the limit
    expect(texts(fake)).toEqual([]);
  });

  test("stopping the channel cuts a 429 wait short", async () => {
    const { fake, discord } = await start({ handle: await database() });
    fake.failNext(POST_MESSAGE, { status: 429, retryAfter: 45 });
    const settled = discord.send({ chatId: fake.dmChannelId(OWNER) }, { text: "not now" }).then(
      () => "sent",
      () => "failed",
    );
    await fake.waitFor(() => fake.calls.some((call) => call.route === POST_MESSAGE));
    await discord.stop(); // without the abort, the send waits 45 s (and times the test out)
    expect(await settled).toBe("failed");
    expect(fake.calls.filter((call) => call.route === POST_MESSAGE).map((call) => call.status)).toEqual([
      429,
    ]);
  });

  test("a blank send never reaches Discord and yields no ref", async () => {
    const { fake, discord } = await start({ handle: await database() });
    for (const blank of ["", "  \n\t "]) {
      await expect(discord.send({ chatId: fake.dmChannelId(OWNER) }, { text: blank })).rejects.toBeInstanceOf(
        BlankMessageError,
      );
    }
    expect(fake.calls.filter((call) => call.route === POST_MESSAGE)).toHaveLength(0);
  });

  test("attachment- and embed-only DMs get a polite reply; malformed events are skipped", async () => {
    const { fake } = await start({ handle: await database(), script: [{ text: "still fine" }] });
    const attachment = {
      id: "9",
      filename: "cat.png",
      size: 3,
      url: "https://x/cat.png",
      proxy_url: "https://x/c",
    };
    fake.pushDm({ from: OWNER, attachments: [attachment] });
    fake.pushDm({ from: OWNER, embeds: [{ type: "rich", title: "card" }] });
    fake.dispatch("MESSAGE_CREATE", { id: "1", channel_id: fake.dmChannelId(OWNER), channel_type: 1 });
    fake.dispatch("INTERACTION_CREATE", { id: "2", type: 3 });
    fake.dispatch("INTERACTION_CREATE", null);
    await waitForTexts(
      fake,
      (shown) => shown.filter((text) => text.startsWith("Sorry, I can only read text messages")).length === 2,
    );
    fake.pushDm({ from: OWNER, text: "and now?" });
    await waitForTexts(fake, (shown) => shown.includes("still fine"));
    expect(fake.connected).toBe(true);
  });

  test("a deleted channel (10003) and a vanished message (10008) are logged, and the next DM is served", async () => {
    const handle = await database();
    const streamed = "A reply long enough to be streamed in several pieces and edited along the way. "
      .repeat(3)
      .trim();
    const { fake, host } = await start({
      handle,
      script: [{ text: "you will not see this" }, { text: streamed }],
    });
    fake.failNext(POST_MESSAGE, { status: 404, code: 10003, message: "Unknown Channel" }, 100);
    fake.pushDm({ from: OWNER, text: "first" });
    await fake.waitFor(() => fake.calls.some((call) => call.route === POST_MESSAGE && call.status === 404));
    await host.queue.drain();
    expect(texts(fake)).toEqual([]);
    fake.clearFailures();
    // The owner deletes the message being streamed into: every edit fails, the answer is sent anew.
    fake.failNext(
      "PATCH /channels/:channel/messages/:message",
      { status: 404, code: 10008, message: "Unknown Message" },
      100,
    );
    fake.pushDm({ from: OWNER, text: "second" });
    await waitForTexts(fake, (shown) => shown.includes(streamed));
    expect(fake.calls.some((call) => call.route.startsWith("PATCH") && call.status === 404)).toBe(true);
    const stored = await handle.query<{ content: string }>(
      sql`select content from messages where direction = 'inbound' order by sequence`,
    );
    expect(stored.map((row) => row.content)).toEqual(["first", "second"]);
  });

  test("guild messages are ignored by default and answered when mentioned if allowGuilds is set", async () => {
    const fake = startDiscordFake();
    cleanups.push(() => fake.close());
    const handle = await database();
    const first = await start({ handle, fake, script: [{ text: "in the guild" }] });
    fake.pushGuildMessage({ from: OWNER, text: "hello bot", mentionBot: true });
    await fake.waitFor(() => fake.dropped.some((event) => event.reason === "intent not requested"));
    await first.close();
    await start({ handle, fake, channel: { allowGuilds: true }, script: [{ text: "in the guild" }] });
    fake.pushGuildMessage({ from: OWNER, text: "not for you" });
    fake.pushGuildMessage({ from: OWNER, text: "hello bot", mentionBot: true });
    const answer = await fake.waitFor(() =>
      fake.messages(fake.guildChannelId).find((message) => message.content === "in the guild"),
    );
    expect(answer.content).toBe("in the guild");
    expect(fake.messages(fake.guildChannelId)).toHaveLength(1);
  });
});

test("a wrong token fails start() with a clear error and unhealthy status", async () => {
  const fake = startDiscordFake();
  cleanups.push(() => fake.close());
  const channel = createDiscordChannel({ token: "not-the-token", apiUrl: fake.apiUrl });
  const host = {
    log: silentLogger,
    onMessage: async () => {},
    onAction: async () => ({ ok: false, notice: "" }),
  };
  await expect(channel.start(host)).rejects.toThrow(/token/i);
  await fake.waitFor(() => channel.health?.().ok === false && channel.health?.().detail !== "connecting");
  expect(channel.health?.().detail).toMatch(/token/i);
  await channel.stop();
});

test("a decision the host fails to record is reported to the presser", async () => {
  const fake = startDiscordFake();
  cleanups.push(() => fake.close());
  const channel = createDiscordChannel({ token: fake.token, apiUrl: fake.apiUrl });
  await channel.start({
    log: silentLogger,
    onMessage: async () => {},
    onAction: async () => {
      throw new Error("database unavailable");
    },
  });
  cleanups.push(() => channel.stop());
  const prompt = await channel.askApproval?.(
    { chatId: fake.dmChannelId(OWNER) },
    { approvalId: "abcdefghij", tool: "deploy", summary: "prod", allowAlways: false, expiresAt: new Date() },
  );
  const interaction = fake.pressButton({
    from: OWNER,
    messageId: prompt?.messageId ?? "",
    customId: "ap:abcdefghij:a",
  });
  const replies = await fake.waitFor(() => fake.interaction(interaction.id)?.replies[0]);
  expect(replies).toMatchObject({
    ephemeral: true,
    content: expect.stringContaining("could not be recorded"),
  });
  expect(fake.interaction(interaction.id)?.ack?.type).toBe(6);
});
