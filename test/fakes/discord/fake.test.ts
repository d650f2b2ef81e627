// The Discord fake, driven by the real discord.js client (and, for the gateway's edge cases, by a
// bare WebSocket): if discord.js logs in, resumes, retries and answers interactions against it
// the way it does against Discord, channel tests built on the fake mean something.
import { afterEach, describe, expect, test } from "bun:test";
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Message,
  MessageFlags,
  Partials,
  Routes,
} from "discord.js";
import { type DiscordFake, type DiscordFakeOptions, Intents, startDiscordFake } from "./discord-fake.ts";

const USER = "200000000000000042";
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startFake(options: DiscordFakeOptions = {}): DiscordFake {
  const fake = startDiscordFake(options);
  cleanups.push(() => fake.close());
  return fake;
}

function newClient(
  fake: DiscordFake,
  intents = [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
) {
  const client = new Client({ intents, partials: [Partials.Channel], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  return client;
}

async function loggedIn(fake: DiscordFake) {
  const client = newClient(fake);
  const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(fake.token);
  await ready;
  const received: Message[] = [];
  client.on(Events.MessageCreate, (message) => {
    if (!message.author.bot) received.push(message);
  });
  return { client, received };
}

async function rejection(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

/** A bare gateway connection that collects frames. */
async function rawSocket(fake: DiscordFake) {
  const frames: { op: number; t?: string; d: unknown }[] = [];
  const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
  let closeCode: number | undefined;
  socket.onmessage = (event) => frames.push(JSON.parse(String(event.data)));
  socket.onclose = (event) => {
    closeCode = event.code;
  };
  await fake.waitFor(() => frames.some((frame) => frame.op === 10));
  cleanups.push(async () => socket.close());
  return { socket, frames, closeCode: () => closeCode };
}

describe("discord fake: gateway", () => {
  test("discord.js becomes ready at once (GUILD_CREATE sent) and receives a DM", async () => {
    const fake = startFake();
    const started = Date.now();
    const { client, received } = await loggedIn(fake);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(client.user?.id).toBe(fake.bot.id);
    expect(client.guilds.cache.has(fake.guildId)).toBe(true);
    expect(fake.intents()).toBe(Intents.Guilds | Intents.DirectMessages);
    fake.pushDm({ from: { id: USER, username: "ada" }, text: "hello" });
    const message = await fake.waitFor(() => received[0]);
    expect(message.content).toBe("hello");
    expect(message.channelId).toBe(fake.dmChannelId(USER));
    expect(message.author.username).toBe("ada");
  });

  test("a resumable close is resumed and the event sent meanwhile is replayed", async () => {
    const fake = startFake();
    const { received } = await loggedIn(fake);
    fake.disconnect(4000);
    fake.pushDm({ from: USER, text: "while you were away" });
    await fake.waitFor(() => received[0], 8000);
    expect(received[0]?.content).toBe("while you were away");
    expect(fake.resumes()).toBe(1);
    expect(fake.identifies()).toBe(1);
  });

  test("a session-ending close (4007) leads to a fresh IDENTIFY", async () => {
    const fake = startFake();
    const { received } = await loggedIn(fake);
    fake.disconnect(4007);
    await fake.waitFor(() => fake.identifies() === 2 && fake.connected, 15_000);
    fake.pushDm({ from: USER, text: "new session" });
    await fake.waitFor(() => received[0], 5000);
    expect(fake.resumes()).toBe(0);
  }, 20_000);

  test("unanswered heartbeats are taken for a zombie connection and the session resumed", async () => {
    const fake = startFake({ heartbeatIntervalMs: 150 });
    const { received } = await loggedIn(fake);
    fake.ackHeartbeats = false;
    await fake.waitFor(() => fake.resumes() === 1, 8000);
    fake.ackHeartbeats = true;
    fake.pushDm({ from: USER, text: "still here" });
    await fake.waitFor(() => received[0], 5000);
    expect(fake.identifies()).toBe(1);
  });

  test("requesting a privileged intent the app lacks closes with 4014", async () => {
    const fake = startFake();
    const client = newClient(fake, [GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent]);
    const closed = new Promise<number>((resolve) =>
      client.once(Events.ShardDisconnect, (event) => resolve(event.code)),
    );
    client.on(Events.ShardError, () => {});
    void client.login(fake.token).catch(() => {});
    expect(await closed).toBe(4014);
  });

  test("HELLO, heartbeat ACK, and INVALID_SESSION for an unknown RESUME", async () => {
    const fake = startFake({ heartbeatIntervalMs: 1234 });
    const { socket, frames } = await rawSocket(fake);
    expect(frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 1234 } });
    socket.send(JSON.stringify({ op: 1, d: null }));
    await fake.waitFor(() => frames.some((frame) => frame.op === 11));
    socket.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: "nope", seq: 3 } }));
    await fake.waitFor(() => frames.some((frame) => frame.op === 9));
    expect(frames.find((frame) => frame.op === 9)?.d).toBe(false);
  });

  test("goSilent: nothing gets through either way, nothing closes, and a new connection works", async () => {
    const fake = startFake({ heartbeatIntervalMs: 60_000 });
    const old = await rawSocket(fake);
    old.socket.send(JSON.stringify({ op: 2, d: { token: fake.token, intents: 0, properties: {} } }));
    await fake.waitFor(() => old.frames.some((frame) => frame.t === "READY"));
    const silenced = fake.goSilent();
    old.socket.send(JSON.stringify({ op: 1, d: null }));
    fake.pushDm({ from: USER, text: "lost on the wire" });
    old.socket.close(1000);
    const fresh = await rawSocket(fake);
    fresh.socket.send(JSON.stringify({ op: 1, d: null }));
    await fake.waitFor(() => fresh.frames.some((frame) => frame.op === 11));
    // Nothing sent on the silent connection arrived: not the heartbeat, nor the close.
    const onSilenced = fake.frames.filter((frame) => frame.connection === silenced);
    expect(onSilenced.map((frame) => frame.op)).toEqual([2]);
    expect(old.frames.some((frame) => frame.op === 11 || frame.t === "MESSAGE_CREATE")).toBe(false);
    expect(fake.isOpen(silenced)).toBe(true);
    expect(old.closeCode()).toBeUndefined(); // no close frame came back either
  });

  test("a wrong token in IDENTIFY closes with 4004", async () => {
    const fake = startFake();
    const { socket, closeCode } = await rawSocket(fake);
    socket.send(JSON.stringify({ op: 2, d: { token: "wrong", intents: 0, properties: {} } }));
    expect(await fake.waitFor(() => closeCode())).toBe(4004);
  });
});

describe("discord fake: REST", () => {
  test("a 429 carries Discord's headers and discord.js retries after Retry-After", async () => {
    const fake = startFake();
    const { client } = await loggedIn(fake);
    const channelId = fake.dmChannelId(USER);
    fake.failNext("POST /channels/:channel/messages", { status: 429, retryAfter: 1 });
    await client.rest.post(Routes.channelMessages(channelId), { body: { content: "patience" } });
    const posts = fake.calls.filter((call) => call.route === "POST /channels/:channel/messages");
    expect(posts.map((call) => call.status)).toEqual([429, 200]);
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(fake.violations).toEqual([]);
    expect(fake.messages(channelId).map((message) => message.content)).toEqual(["patience"]);
  });

  test("Discord's validation: 2000 characters, 100-character custom_id, empty messages, bot token", async () => {
    const fake = startFake();
    const { client } = await loggedIn(fake);
    const route = Routes.channelMessages(fake.dmChannelId(USER));
    expect((await rejection(client.rest.post(route, { body: { content: "x".repeat(2001) } }))).code).toBe(
      50035,
    );
    const longId = [{ type: 1, components: [{ type: 2, style: 1, label: "x", custom_id: "x".repeat(101) }] }];
    expect((await rejection(client.rest.post(route, { body: { components: longId } }))).code).toBe(50035);
    expect((await rejection(client.rest.post(route, { body: { content: "" } }))).code).toBe(50006);
    expect(
      (await rejection(client.rest.post(Routes.channelMessages("1"), { body: { content: "x" } }))).code,
    ).toBe(10003);
    const anonymous = await fetch(`${fake.apiUrl}/v10/users/@me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: "401: Unauthorized", code: 0 });
  });

  test("edits keep history; the bot's own DM messages are echoed on the gateway", async () => {
    const fake = startFake();
    const { client } = await loggedIn(fake);
    const echoed: string[] = [];
    client.on(Events.MessageCreate, (message) => {
      if (message.author.bot) echoed.push(message.content);
    });
    const channelId = fake.dmChannelId(USER);
    const sent = (await client.rest.post(Routes.channelMessages(channelId), {
      body: { content: "one" },
    })) as {
      id: string;
    };
    await client.rest.patch(Routes.channelMessage(channelId, sent.id), { body: { content: "two" } });
    const [message] = fake.messages(channelId);
    expect(message?.content).toBe("two");
    expect(message?.edits.map((edit) => edit.content)).toEqual(["one"]);
    await fake.waitFor(() => echoed.includes("one"));
  });
});

describe("discord fake: interactions", () => {
  test("a button press arrives as a ButtonInteraction; deferUpdate and an ephemeral follow-up are recorded", async () => {
    const fake = startFake();
    const { client } = await loggedIn(fake);
    const channelId = fake.dmChannelId(USER);
    const prompt = (await client.rest.post(Routes.channelMessages(channelId), {
      body: {
        content: "ok?",
        components: [{ type: 1, components: [{ type: 2, style: 3, label: "Yes", custom_id: "yes" }] }],
      },
    })) as { id: string };
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isButton()) return;
      await interaction.deferUpdate();
      await interaction.followUp({
        content: `you pressed ${interaction.customId}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const press = fake.pressButton({ from: USER, messageId: prompt.id, customId: "yes" });
    await fake.waitFor(() => fake.interaction(press.id)?.replies.length);
    const answered = fake.interaction(press.id);
    expect(answered?.ack?.type).toBe(6);
    expect(answered?.replies).toMatchObject([{ content: "you pressed yes", ephemeral: true }]);
  });

  test("a late or repeated answer is refused as Discord does (10062, 40060)", async () => {
    const fake = startFake({ ackWindowMs: 50 });
    const { client } = await loggedIn(fake);
    const first = fake.pressButton({ from: USER, messageId: "1", customId: "a" });
    await client.rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 6 } });
    const again = client.rest.post(Routes.interactionCallback(first.id, first.token), { body: { type: 6 } });
    expect((await rejection(again)).code).toBe(40060);
    const late = fake.pressButton({ from: USER, messageId: "1", customId: "b" });
    await Bun.sleep(80);
    const tooLate = client.rest.post(Routes.interactionCallback(late.id, late.token), { body: { type: 6 } });
    expect((await rejection(tooLate)).code).toBe(10062);
  });
});
