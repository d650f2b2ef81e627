/**
 * The Discord gateway watchdog, with the real discord.js client against the fake Discord: a
 * connection that goes half-open (nothing gets through, nothing closes) is replaced within a few
 * heartbeat intervals, where discord.js alone waits ~35 s for a close handshake on top of its own
 * missed-heartbeat check; a connection that keeps answering is left alone.
 */
import { afterEach, expect, test } from "bun:test";
import { createDiscordChannel } from "../../channels/discord/index.ts";
import { silentLogger } from "../../src/log.ts";
import type { Channel, ChannelHost, InboundMessage } from "../../src/plugin/channel.ts";
import { type DiscordFake, startDiscordFake } from "../fakes/discord/discord-fake.ts";

const OWNER = "300000000000000001";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startChannel(heartbeatIntervalMs: number) {
  const fake = startDiscordFake({ heartbeatIntervalMs });
  cleanups.push(() => fake.close());
  const received: InboundMessage[] = [];
  const host: ChannelHost = {
    log: silentLogger,
    onMessage: async (message) => {
      received.push(message);
    },
    onAction: async () => ({ ok: false, notice: "no approvals here" }),
  };
  const channel: Channel = createDiscordChannel({ token: fake.token, apiUrl: fake.apiUrl });
  await channel.start(host);
  cleanups.push(() => channel.stop());
  return { fake, channel, received };
}

const heartbeatsOn = (fake: DiscordFake, connection: number) =>
  fake.frames.filter((frame) => frame.op === 1 && frame.connection === connection).length;

// At 1000 ms the watchdog acts before discord.js notices the missed heartbeat (as at Discord's
// 41.25 s); at 200 ms discord.js notices first and is stuck waiting for its close handshake.
for (const heartbeatIntervalMs of [1000, 200]) {
  test(`a gateway that goes silent without closing is replaced at once, and the DM sent meanwhile arrives (heartbeat ${heartbeatIntervalMs} ms)`, async () => {
    const { fake, channel, received } = await startChannel(heartbeatIntervalMs);
    const first = fake.frames.find((frame) => frame.op === 2)?.connection as number;
    // Two acknowledged heartbeats show the watchdog the connection's interval.
    await fake.waitFor(() => heartbeatsOn(fake, first) >= 3);
    const silenced = fake.goSilent();
    expect(silenced).toBe(first);
    fake.pushDm({ from: OWNER, text: "sent while the line was dead" });

    // discord.js on its own needs ~36 s here (it waits for a close handshake the dead peer never gives).
    await fake.waitFor(() => received.length > 0, 10_000);
    expect(received.map((message) => message.text)).toEqual(["sent while the line was dead"]);
    const resume = fake.frames.find((frame) => frame.op === 6);
    expect(resume?.connection).toBeGreaterThan(silenced);
    expect(fake.isOpen(silenced)).toBe(true); // the client did not wait for the old socket to close
    expect(fake.identifies()).toBe(1);
    await fake.waitFor(() => channel.health?.().ok);
    expect(channel.health?.()).toEqual({ ok: true, detail: "connected as ironclaw-test" });
  }, 20_000);
}

test("a connection that keeps answering its heartbeats is left alone", async () => {
  const { fake, received } = await startChannel(100);
  const first = fake.frames.find((frame) => frame.op === 2)?.connection as number;
  await fake.waitFor(() => heartbeatsOn(fake, first) >= 15, 10_000);
  fake.pushDm({ from: OWNER, text: "still the same socket" });
  await fake.waitFor(() => received.length > 0);
  expect(fake.resumes()).toBe(0);
  expect(fake.identifies()).toBe(1);
  expect(new Set(fake.frames.map((frame) => frame.connection))).toEqual(new Set([first]));
}, 20_000);
