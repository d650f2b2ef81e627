// The fake homeserver itself, over HTTP as a client sees it: auth errors, the DM invite/join
// dance, a real long-poll, idempotent sends, replays after a lost answer, injected faults.
import { afterAll, expect, test } from "bun:test";
import { startMatrixFake } from "./matrix-fake.ts";

const matrix = startMatrixFake();
afterAll(() => matrix.close());
const owner = "@owner:matrix.example.org";

type Sync = {
  next_batch: string;
  rooms: {
    join: Record<
      string,
      { timeline: { events: { event_id: string; type: string; content: Record<string, unknown> }[] } }
    >;
    invite: Record<
      string,
      { invite_state: { events: { type: string; state_key: string; content: Record<string, unknown> }[] } }
    >;
  };
};

const call = (method: string, path: string, body?: unknown, token = matrix.accessToken) =>
  fetch(`${matrix.url}/_matrix/client/v3${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}`, "content-type": "application/json" } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const sync = async (query: string) => (await (await call("GET", `/sync?${query}`)).json()) as Sync;

test("no token is M_MISSING_TOKEN, a wrong one M_UNKNOWN_TOKEN, the right one is the bot", async () => {
  const missing = await call("GET", "/account/whoami", undefined, "");
  expect(missing.status).toBe(401);
  expect(((await missing.json()) as { errcode: string }).errcode).toBe("M_MISSING_TOKEN");
  const wrong = await call("GET", "/account/whoami", undefined, "syt_wrong");
  expect(((await wrong.json()) as { errcode: string }).errcode).toBe("M_UNKNOWN_TOKEN");
  expect(await (await call("GET", "/account/whoami")).json()).toMatchObject({ user_id: matrix.botUserId });
  expect((await call("GET", "/nowhere")).status).toBe(404);
});

test("a DM is an is_direct invite, then after the join the message in the timeline", async () => {
  const first = await sync("timeout=0");
  const message = matrix.sendDm(owner, "hello bot");
  const invited = await sync(`since=${first.next_batch}&timeout=0`);
  const roomId = message.room_id;
  const member = invited.rooms.invite[roomId]?.invite_state.events.find(
    (event) => event.type === "m.room.member" && event.state_key === matrix.botUserId,
  );
  expect(member?.content).toEqual({ membership: "invite", is_direct: true });
  expect((await call("PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t1`, {})).status).toBe(
    403,
  );
  expect((await call("POST", `/rooms/${encodeURIComponent(roomId)}/join`, {})).status).toBe(200);
  const joined = await sync(`since=${invited.next_batch}&timeout=0`);
  const bodies = joined.rooms.join[roomId]?.timeline.events.map((event) => event.content.body);
  expect(bodies).toContain("hello bot");
  // The same token answers the same events again: how a client recovers from a lost answer.
  const again = await sync(`since=${invited.next_batch}&timeout=0`);
  expect(again.rooms.join[roomId]?.timeline.events.map((event) => event.event_id)).toEqual(
    joined.rooms.join[roomId]?.timeline.events.map((event) => event.event_id) ?? [],
  );
});

test("sync is a long-poll: parked until an event arrives, then answered with it", async () => {
  const now = await sync("timeout=0");
  const parked = sync(`since=${now.next_batch}&timeout=20000`);
  while (!matrix.isListening()) await Bun.sleep(5);
  const message = matrix.sendDm(owner, "wake up");
  const answer = await parked;
  expect(answer.rooms.join[message.room_id]?.timeline.events.map((event) => event.content.body)).toEqual([
    "wake up",
  ]);
  const quiet = await sync(`since=${answer.next_batch}&timeout=50`);
  expect(quiet.rooms.join).toEqual({});
});

test("a send is idempotent per txn id; a huge event is M_TOO_LARGE", async () => {
  const roomId = matrix.dmRoomOf(owner) ?? "";
  const path = `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/txn-42`;
  const first = (await (await call("PUT", path, { msgtype: "m.text", body: "once" })).json()) as {
    event_id: string;
  };
  const second = (await (await call("PUT", path, { msgtype: "m.text", body: "twice?" })).json()) as {
    event_id: string;
  };
  expect(second.event_id).toBe(first.event_id);
  expect(matrix.botMessages(roomId).filter((message) => message.body === "once")).toHaveLength(1);
  expect(matrix.botMessages(roomId).some((message) => message.body === "twice?")).toBe(false);
  const huge = await call("PUT", path.replace("txn-42", "txn-43"), { body: "x".repeat(70_000) });
  expect(huge.status).toBe(413);
});

test("faults: a 429 carries retry_after_ms; a lost sync answer is a 502 and the events come again", async () => {
  const roomId = matrix.dmRoomOf(owner) ?? "";
  matrix.failNext("send", {
    status: 429,
    errcode: "M_LIMIT_EXCEEDED",
    error: "Too many",
    retryAfterMs: 1500,
  });
  const limited = await call("PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/r1`, {});
  expect(limited.status).toBe(429);
  expect(await limited.json()).toEqual({
    errcode: "M_LIMIT_EXCEEDED",
    error: "Too many",
    retry_after_ms: 1500,
  });
  const before = await sync("timeout=0");
  const message = matrix.sendDm(owner, "lost once");
  matrix.loseSyncAnswers(1);
  expect((await call("GET", `/sync?since=${before.next_batch}&timeout=0`)).status).toBe(502);
  const retried = await sync(`since=${before.next_batch}&timeout=0`);
  expect(retried.rooms.join[roomId]?.timeline.events.map((event) => event.event_id)).toContain(
    message.event_id,
  );
  matrix.redeliver([message]);
  const replayed = await sync(`since=${retried.next_batch}&timeout=0`);
  expect(replayed.rooms.join[roomId]?.timeline.events.map((event) => event.event_id)).toEqual([
    message.event_id,
  ]);
});

test("one event by id; a redaction empties it; typing only for oneself", async () => {
  const roomId = matrix.dmRoomOf(owner) ?? "";
  const room = encodeURIComponent(roomId);
  const sent = (await (
    await call("PUT", `/rooms/${room}/send/m.room.message/e1`, { msgtype: "m.text", body: "x" })
  ).json()) as {
    event_id: string;
  };
  const path = `/rooms/${room}/event/${encodeURIComponent(sent.event_id)}`;
  expect(await (await call("GET", path)).json()).toMatchObject({
    sender: matrix.botUserId,
    content: { body: "x" },
  });
  expect((await call("GET", `/rooms/${room}/event/%24nope`)).status).toBe(404);
  expect(
    (await call("PUT", `/rooms/${room}/redact/${encodeURIComponent(sent.event_id)}/d1`, {})).status,
  ).toBe(200);
  expect(((await (await call("GET", path)).json()) as { content: object }).content).toEqual({});
  expect(matrix.botMessages(roomId).find((message) => message.eventId === sent.event_id)?.redacted).toBe(
    true,
  );
  expect(
    (await call("PUT", `/rooms/${room}/typing/${encodeURIComponent(owner)}`, { typing: true })).status,
  ).toBe(403);
  const own = await call("PUT", `/rooms/${room}/typing/${encodeURIComponent(matrix.botUserId)}`, {
    typing: true,
  });
  expect(own.status).toBe(200);
});
