/**
 * The change feed does not hold start-up for its LISTEN (on PostgreSQL a connection of its own):
 * until the LISTEN is up the feed is not live, so caches read through; once it is up every cache
 * is cleared (it may have missed notices); a LISTEN that fails leaves the feed not live. The
 * handle here implements DatabaseHandle with a LISTEN the test completes by hand.
 */
import { expect, test } from "bun:test";
import { createChangeFeed } from "../../src/db/change-feed.ts";
import type { DatabaseHandle } from "../../src/db/client.ts";

function handleWithListen(listen: NonNullable<DatabaseHandle["listen"]>): DatabaseHandle {
  return {
    db: {} as DatabaseHandle["db"],
    backend: "postgres",
    location: "test",
    query: async () => [],
    listen,
    close: async () => {},
  };
}

test("the feed is returned before its LISTEN is up, and goes live (clearing caches) once it is", async () => {
  let connect: () => void = () => {};
  let finishListen: (stop: () => Promise<void>) => void = () => {};
  let stopped = false;
  const feed = await createChangeFeed(
    handleWithListen((_channel, _onNotify, onConnect) => {
      connect = onConnect;
      return new Promise((resolve) => {
        finishListen = resolve;
      });
    }),
  );
  let cleared = 0;
  feed.onChange("settings", () => cleared++);
  expect(feed.live).toBe(false);

  connect();
  finishListen(async () => {
    stopped = true;
  });
  expect(feed.live).toBe(true);
  expect(cleared).toBe(1);

  await feed.close();
  expect(feed.live).toBe(false);
  expect(stopped).toBe(true);
});

test("a LISTEN that fails leaves the feed not live; closing it still works", async () => {
  const feed = await createChangeFeed(
    handleWithListen(async () => {
      throw new Error("connection refused");
    }),
  );
  await Bun.sleep(0);
  expect(feed.live).toBe(false);
  await feed.close();
});

test("a feed closed before its LISTEN came up never goes live, and stops the LISTEN", async () => {
  let connect: () => void = () => {};
  let finishListen: (stop: () => Promise<void>) => void = () => {};
  let stopped = false;
  const feed = await createChangeFeed(
    handleWithListen((_channel, _onNotify, onConnect) => {
      connect = onConnect;
      return new Promise((resolve) => {
        finishListen = resolve;
      });
    }),
  );
  const closing = feed.close();
  connect();
  finishListen(async () => {
    stopped = true;
  });
  await closing;
  expect(feed.live).toBe(false);
  expect(stopped).toBe(true);
});
