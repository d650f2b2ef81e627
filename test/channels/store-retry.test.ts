/**
 * A message whose storing fails for a while is retried, not dropped; a permanent failure
 * surfaces; and messages of one chat are stored in the order they arrived, also across an outage.
 */
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createOrderedStore, storeWithRetry } from "../../channels/shared/store-retry.ts";
import { wrapPostgres } from "../../src/db/client.ts";
import { messages } from "../../src/db/schema/index.ts";
import { silentLogger } from "../../src/log.ts";
import type { ChannelHost, InboundMessage } from "../../src/plugin/channel.ts";
import { createTestDatabase, testDatabaseUrl } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";

const message: InboundMessage = {
  channel: "discord",
  chatId: "1",
  senderId: "2",
  messageId: "3",
  text: "hi",
  isDirect: true,
};

test("storing is retried until the database answers again", async () => {
  let calls = 0;
  const stored: InboundMessage[] = [];
  await storeWithRetry(
    async (inbound) => {
      calls++;
      if (calls < 3) throw new Error("connection refused");
      stored.push(inbound);
    },
    message,
    silentLogger,
    [1, 1, 1],
  );
  expect(calls).toBe(3);
  expect(stored).toEqual([message]);
});

test("after the last pause the error is raised", async () => {
  let calls = 0;
  const attempt = storeWithRetry(
    async () => {
      calls++;
      throw new Error("still down");
    },
    message,
    silentLogger,
    [1, 1],
  );
  await expect(attempt).rejects.toThrow("still down");
  expect(calls).toBe(3);
});

/** A store that fails while `state.down`, counting attempts; `stored` is the order that got in. */
function flakyStore(state: { down: boolean }) {
  const stored: string[] = [];
  const counts = { failures: 0 };
  const onMessage = async (inbound: InboundMessage) => {
    if (state.down) {
      counts.failures++;
      throw new Error("connection refused");
    }
    stored.push(`${inbound.chatId}/${inbound.messageId}`);
  };
  return { stored, counts, onMessage };
}

const inChat = (chatId: string, messageId: string): InboundMessage => ({ ...message, chatId, messageId });

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await Bun.sleep(2);
}

test("messages of one chat that arrive during an outage are stored in arrival order", async () => {
  const state = { down: true };
  const { stored, counts, onMessage } = flakyStore(state);
  const store = createOrderedStore([20, 40, 80, 160, 320, 640]);
  const pending = ["9", "10", "11", "12"].map((id) => store(onMessage, inChat("1", id), silentLogger));
  await until(() => counts.failures >= 4);
  state.down = false;
  pending.push(...["13", "14"].map((id) => store(onMessage, inChat("1", id), silentLogger)));
  await Promise.all(pending);
  expect(stored).toEqual(["1/9", "1/10", "1/11", "1/12", "1/13", "1/14"]);
});

test("a chat waiting for its head does not hold up other chats; a head given up frees its chat", async () => {
  const state = { down: true };
  const { stored, onMessage } = flakyStore(state);
  const store = createOrderedStore([1, 1]);
  const waiting = store(onMessage, inChat("1", "a"), silentLogger);
  const next = store(onMessage, inChat("1", "b"), silentLogger);
  await expect(waiting).rejects.toThrow("connection refused");
  state.down = false;
  await next;
  await store(onMessage, inChat("2", "c"), silentLogger);
  expect(stored).toEqual(["1/b", "2/c"]);

  // Chat 3 keeps failing while chat 4 is stored at once.
  const blocked = { down: true };
  const other = flakyStore(blocked);
  const slow = createOrderedStore([5, 5, 5, 5, 5, 5, 5, 5]);
  const stuck = slow(other.onMessage, inChat("3", "x"), silentLogger);
  await until(() => other.counts.failures >= 1);
  const free = { down: false };
  const second = flakyStore(free);
  await slow(second.onMessage, inChat("4", "y"), silentLogger);
  expect(second.stored).toEqual(["4/y"]);
  blocked.down = false;
  await stuck;
  expect(other.stored).toEqual(["3/x"]);
});

test.skipIf(!testDatabaseUrl)(
  "during a real PostgreSQL outage, messages are stored and answered in arrival order",
  async () => {
    const direct = await createTestDatabase("postgres");
    const server = new URL(testDatabaseUrl as string);
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const proxied = new URL(server);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    proxied.pathname = `/${direct.location}`;
    const handle = await wrapPostgres(proxied.toString(), direct.location, 4);
    const harness = await startHostHarness(handle);
    try {
      const { channel, host, llmServer } = harness;
      llmServer.enqueue(...[1, 2, 3, 4, 5, 6].map((n) => ({ text: `answer ${n}` })));
      let failures = 0;
      const onMessage = async (inbound: InboundMessage) => {
        try {
          await (channel.host as ChannelHost).onMessage(inbound);
        } catch (error) {
          failures++;
          throw error;
        }
      };
      const store = createOrderedStore([20, 40, 80, 160, 320, 640, 1_000, 1_000, 1_000]);
      const owner = (n: number): InboundMessage => ({
        channel: channel.id,
        chatId: "chat-1",
        senderId: "owner-1",
        messageId: `m-${n}`,
        text: `message ${n}`,
        isDirect: true,
      });

      await store(onMessage, owner(1), silentLogger);
      await host.queue.drain();
      await proxy.goDown();
      const pending = [2, 3, 4].map((n) => store(onMessage, owner(n), silentLogger));
      await until(() => failures >= 3);
      await proxy.comeUp();
      pending.push(...[5, 6].map((n) => store(onMessage, owner(n), silentLogger)));
      await Promise.all(pending);
      await host.queue.drain();

      const inbound = await handle.db
        .select({ content: messages.content })
        .from(messages)
        .where(eq(messages.direction, "inbound"))
        .orderBy(messages.sequence);
      const expected = [1, 2, 3, 4, 5, 6].map((n) => `message ${n}`);
      expect(inbound.map((row) => row.content)).toEqual(expected);
      expect(llmServer.requests.map((request) => sentMessages(request).at(-1)?.content)).toEqual(expected);
      expect(channel.texts()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `answer ${n}`));
    } finally {
      await harness.close();
      await handle.close();
      await proxy.close();
      await direct.close();
    }
  },
);
