/** A message whose storing fails for a while is retried, not dropped; a permanent failure surfaces. */
import { expect, test } from "bun:test";
import { storeWithRetry } from "../../channels/shared/store-retry.ts";
import { silentLogger } from "../../src/log.ts";
import type { InboundMessage } from "../../src/plugin/channel.ts";

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
