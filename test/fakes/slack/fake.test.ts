// The Slack fake, driven by the real Slack SDK clients: if Bolt's WebClient and Socket Mode client
// work against it the way they work against Slack, channel tests built on the fake mean something.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { SocketModeReceiver, verifySlackRequest, webApi } from "@slack/bolt";
import { buttonsOf, type SlackFake, startSlackFake } from "./slack-fake.ts";

const OWNER = "U0OWNER";
let slack: SlackFake;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  slack = await startSlackFake();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await slack.close();
});

function webClient(token = slack.botToken) {
  return new webApi.WebClient(token, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
}

async function rejection(
  promise: Promise<unknown>,
): Promise<{ code?: string; data?: { error?: string }; retryAfter?: number }> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as { code?: string },
  );
}

function socketClient() {
  const client = new SocketModeReceiver({
    appToken: slack.appToken,
    clientPingTimeout: 300,
    installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
  }).client;
  cleanups.push(() => client.disconnect());
  return client;
}

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await Bun.sleep(10);
  }
}

describe("slack fake: Web API", () => {
  test("auth.test answers the bot behind the token and refuses others", async () => {
    expect(await webClient().auth.test()).toMatchObject({
      ok: true,
      user_id: "U0BOT",
      bot_id: "B0BOT",
      team_id: "T0FAKE",
    });
    expect((await rejection(webClient("xoxb-wrong").auth.test())).data?.error).toBe("invalid_auth");
    expect(slack.calls.map((call) => call.method)).toEqual(["auth.test", "auth.test"]);
  });

  test("messages are stored with their edits; Slack's limits are enforced", async () => {
    const channel = slack.imOf(OWNER);
    const client = webClient();
    const posted = await client.chat.postMessage({
      channel,
      text: "fallback",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*Hi* <https://x.dev|docs> &lt;b&gt;" } }],
    });
    await client.chat.update({ channel, ts: String(posted.ts), text: "second" });
    const [message] = slack.messages(channel);
    expect(message).toMatchObject({ ts: posted.ts, text: "second", plainText: "second" });
    expect(message?.edits).toHaveLength(1);
    const tooLong = client.chat.postMessage({ channel, text: "x".repeat(40_001) });
    expect((await rejection(tooLong)).data?.error).toBe("msg_too_long");
    const section = { type: "section", text: { type: "mrkdwn", text: "y".repeat(3001) } };
    const bigBlock = client.chat.postMessage({ channel, text: "t", blocks: [section] });
    expect((await rejection(bigBlock)).data?.error).toBe("invalid_blocks");
    const unknown = client.chat.postMessage({ channel: "D0NOBODY", text: "t" });
    expect((await rejection(unknown)).data?.error).toBe("channel_not_found");
    expect((await rejection(client.chat.update({ channel, ts: "1.2", text: "t" }))).data?.error).toBe(
      "message_not_found",
    );
  });

  test("an injected 429 carries Retry-After", async () => {
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 2 });
    const error = await rejection(webClient().chat.postMessage({ channel: slack.imOf(OWNER), text: "t" }));
    expect(error.code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(2);
  });

  test("the mrkdwn of a message renders to what a reader sees", async () => {
    const channel = slack.imOf(OWNER);
    const text = "*bold* _it_ ~gone~ `code` snake_case_name <https://x.dev|docs> a &lt; b";
    await webClient().chat.postMessage({
      channel,
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    });
    expect(slack.messages(channel)[0]?.plainText).toBe("bold it gone code snake_case_name docs a < b");
  });
});

describe("slack fake: Socket Mode", () => {
  test("hello, an events_api envelope acknowledged by id, and a disconnect that leads to a reconnect", async () => {
    const client = socketClient();
    const received: unknown[] = [];
    let connected = 0;
    client.on("connected", () => connected++);
    client.on("message", async ({ ack, event }: { ack: () => Promise<void>; event: unknown }) => {
      received.push(event);
      await ack();
    });
    await client.start();
    const delivery = slack.pushDm({ from: OWNER, text: "hello" });
    expect(await delivery.done).toEqual({ acknowledged: true });
    expect(received).toMatchObject([{ type: "message", text: "hello", user: OWNER, channel_type: "im" }]);
    slack.disconnectSocket();
    await until(() => slack.connections().length === 2 && slack.connections()[1]?.helloSent === true);
    // Wait for the client's side of the reconnect too: disconnecting the SDK while its reconnect is
    // still connecting rejects that internal start() with nobody listening (an unhandled error).
    await until(() => connected === 2);
    expect(slack.connections()[0]?.closedAt).toBeDefined();
    expect(slack.calls.filter((call) => call.method === "apps.connections.open")).toHaveLength(2);
  });

  test("apps.connections.open wants the app-level token", async () => {
    expect((await rejection(webClient().apps.connections.open({}))).data?.error).toBe(
      "not_allowed_token_type",
    );
  });

  test("a silenced connection answers no ping and delivers nothing; a new one gets what waited", async () => {
    const { url } = await webClient(slack.appToken).apps.connections.open({});
    const frames: string[] = [];
    let pongs = 0;
    const first = new WebSocket(String(url));
    first.addEventListener("message", (event) => frames.push(String(event.data)));
    first.addEventListener("pong" as never, () => pongs++);
    await until(() => frames.length === 1);
    expect(JSON.parse(frames[0] as string)).toMatchObject({ type: "hello" });
    (first as unknown as { ping: () => void }).ping();
    await until(() => pongs === 1);
    slack.silenceSocket();
    (first as unknown as { ping: () => void }).ping();
    const delivery = slack.pushDm({ from: OWNER, text: "queued" });
    await Bun.sleep(200); // nothing may arrive on the silenced connection meanwhile
    expect(pongs).toBe(1);
    expect(frames).toHaveLength(1);
    const second = new WebSocket(String((await webClient(slack.appToken).apps.connections.open({})).url));
    const later: string[] = [];
    second.addEventListener("message", (event) => later.push(String(event.data)));
    await until(() => later.length === 2);
    const envelope = JSON.parse(later[1] as string);
    expect(envelope).toMatchObject({
      type: "events_api",
      retry_attempt: 0,
      payload: { event: { text: "queued" } },
    });
    second.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: {} }));
    expect((await delivery.done).acknowledged).toBe(true);
    first.close();
    second.close();
  });
});

describe("slack fake: HTTP delivery and interactions", () => {
  test("events arrive signed; a retry carries X-Slack-Retry-Num; presses are form-encoded", async () => {
    const seen: { headers: Headers; body: string }[] = [];
    const app = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (request) => {
        seen.push({ headers: request.headers, body: await request.text() });
        return new Response("");
      },
    });
    cleanups.push(() => app.stop(true));
    slack.deliverOverHttp(`http://127.0.0.1:${app.port}/events`);
    const delivery = slack.pushDm({ from: OWNER, text: "signed" });
    expect((await delivery.done).status).toBe(200);
    await slack.redeliver(delivery).done;
    const [first, retry] = seen;
    const verify = (entry: typeof first) =>
      verifySlackRequest({
        signingSecret: slack.signingSecret,
        body: entry?.body ?? "",
        headers: {
          "x-slack-signature": entry?.headers.get("x-slack-signature") ?? "",
          "x-slack-request-timestamp": Number(entry?.headers.get("x-slack-request-timestamp")),
        },
      });
    expect(() => verify(first)).not.toThrow();
    expect(retry?.headers.get("x-slack-retry-num")).toBe("1");
    expect(JSON.parse(retry?.body ?? "{}").event_id).toBe(JSON.parse(first?.body ?? "{}").event_id);

    const channel = slack.imOf(OWNER);
    await webClient().chat.postMessage({
      channel,
      text: "prompt",
      blocks: [
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "go", value: "v1", text: { type: "plain_text", text: "Go" } },
          ],
        },
      ],
    });
    const message = slack.messages(channel)[0];
    if (!message) throw new Error("no message");
    expect(buttonsOf(message).map((button) => button.action_id)).toEqual(["go"]);
    await slack.pressButton({ from: OWNER, message, actionId: "go" }).done;
    const press = seen[2];
    expect(press?.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    const payload = JSON.parse(new URLSearchParams(press?.body).get("payload") ?? "{}");
    expect(payload).toMatchObject({
      type: "block_actions",
      user: { id: OWNER },
      actions: [{ action_id: "go", value: "v1" }],
    });
    const reply = await fetch(payload.response_url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text: "only you" }),
    });
    expect(reply.status).toBe(200);
    expect(slack.ephemerals()).toMatchObject([
      { channel, user: OWNER, text: "only you", via: "response_url" },
    ]);
  });
});
