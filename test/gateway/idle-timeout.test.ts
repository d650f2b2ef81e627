/**
 * Idle connections are closed, so they cannot pile up until the file descriptors run out; what
 * legitimately waits (a chat send waiting for its turn, the event stream) outlives the timeout.
 * The gateway runs with a 1 s idle timeout here. "The timeout has passed" is observed, not
 * slept for: an idle keep-alive connection opened alongside is closed by the server.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { type ApiHarness, postJson, startApi, token, until } from "./harness.ts";
import { openRawConnection, type RawConnection, rawRequest } from "./raw-http.ts";

let api: ApiHarness | undefined;
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await api?.gateway.stop();
  api = undefined;
});

/** A connection that made one request and then sits idle; resolves once the server closed it. */
async function idleConnectionClosed(harness: ApiHarness): Promise<RawConnection> {
  const connection = await openRawConnection(harness.url);
  connections.push(connection);
  connection.write(rawRequest("GET", "/healthz", {}));
  await connection.waitFor(/\{"ok":true\}/);
  await connection.closed;
  return connection;
}

// Bun closes idle sockets on a coarse timer (~4 s for a 1 s timeout here), so a case that waits
// for two closes needs more than the default 5 s, more still on a loaded machine.
const caseTimeoutMs = 30_000;

describe("the gateway idle timeout", () => {
  test(
    "an idle keep-alive connection is closed by the server",
    async () => {
      api = startApi({}, {}, { idleTimeoutSeconds: 1 });
      const connection = await idleConnectionClosed(api);
      expect(connection.received()).toStartWith("HTTP/1.1 200");
      expect(connection.received().toLowerCase()).not.toContain("connection: close");
      expect(connection.isClosed()).toBe(true);
    },
    caseTimeoutMs,
  );

  test(
    "a chat send still waiting for its turn's answer is not cut off",
    async () => {
      api = startApi({}, {}, { idleTimeoutSeconds: 1 });
      const pending = api.call("/api/chat/send", postJson({ text: "hold", thread_id: "t-idle" }));
      await until(() => api?.chat.sent.length === 1);
      // Two idle connections opened one after the other, both closed: the timeout has passed.
      await idleConnectionClosed(api);
      await idleConnectionClosed(api);
      api.chat.release();
      const response = await pending;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ reply: "pong: hold", thread_id: "t-idle" });
    },
    caseTimeoutMs,
  );

  test(
    "the event stream stays open past the idle timeout and keeps receiving",
    async () => {
      api = startApi({ keepaliveMs: 200 }, {}, { idleTimeoutSeconds: 1 });
      const stream = await openRawConnection(api.url);
      connections.push(stream);
      stream.write(rawRequest("GET", "/api/chat/events", { authorization: `Bearer ${token}` }));
      await stream.waitFor(/: connected/);
      await idleConnectionClosed(api);
      const before = stream.received().length;
      await stream.waitFor(/: keepalive/);
      await api.events.publish({ type: "turn-start", turnId: "t", conversationId: "c" });
      await stream.waitFor(/event: turn-start/);
      expect(stream.received().length).toBeGreaterThan(before);
      expect(stream.isClosed()).toBe(false);
    },
    caseTimeoutMs,
  );
});
