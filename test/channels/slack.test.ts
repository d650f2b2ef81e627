/**
 * The Slack channel end to end: the real Bolt app talks to the fake Slack over HTTP and a Socket
 * Mode WebSocket (or receives signed HTTP deliveries through the gateway route), the real host
 * (pipeline, agent, approvals, database) runs behind it, and the real OpenAI SDK talks to the
 * fake LLM.
 */

import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { BlankMessageError } from "../../channels/shared/multipart-messenger.ts";
import { approvePairingCode } from "../../src/core/pairing.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import {
  hasButtons,
  logged,
  newSlackFake,
  OWNER,
  replies,
  STRANGER,
  start,
  startWithPrompt,
  until,
  waitForReply,
} from "../fakes/slack/channel-harness.ts";
import { postSigned } from "../fakes/slack/http-delivery.ts";
import { buttonsOf, type FakeMessage, type SlackFake } from "../fakes/slack/slack-fake.ts";
import { forEachBackend } from "../support/db.ts";

const streamedReply =
  "Here is a fairly long answer that arrives in many streamed pieces, so the channel edits one message. "
    .repeat(3)
    .trim();

function buttonId(message: FakeMessage, label: string): string {
  const button = buttonsOf(message).find((entry) => entry.text.text.includes(label));
  if (!button) throw new Error(`no ${label} button`);
  return button.action_id;
}

function callsTo(slack: SlackFake, method: string) {
  return slack.calls.filter((call) => call.method === method);
}

forEachBackend("slack channel", ({ database }) => {
  for (const mode of ["socket", "http"] as const) {
    test(`${mode} mode: the owner's DM is stored before it is acknowledged and gets a streamed reply`, async () => {
      const handle = await database();
      const { slack, host } = await start({ handle, mode, script: [{ text: streamedReply }] });
      const delivery = slack.pushDm({ from: OWNER, text: "hi" });
      expect((await delivery.done).acknowledged).toBe(true);
      const stored = await handle.query<{ content: string }>(
        sql`select content from messages where direction = 'inbound'`,
      );
      expect(stored.map((row) => row.content)).toEqual(["hi"]);
      await waitForReply(slack, (texts) => texts.includes(streamedReply));
      await host.queue.drain();
      expect(replies(slack)).toEqual([streamedReply]);
      const [message] = slack.messages(slack.imOf(OWNER));
      expect(message?.edits.length).toBeGreaterThan(0); // streamed with chat.update
      expect(callsTo(slack, "chat.update").every((call) => call.params.ts === message?.ts)).toBe(true);
    });
  }

  for (const mode of ["socket", "http"] as const) {
    test(`${mode} mode: a message that cannot be stored stays unacknowledged, and Slack's retry is answered`, async () => {
      const handle = await database();
      const { slack, logLines } = await start({ handle, mode, script: [{ text: "got it in the end" }] });
      await handle.query(sql`alter table messages rename to messages_away`); // storing now fails
      const delivery = slack.pushDm({ from: OWNER, text: "are you there?" });
      if (mode === "http") expect((await delivery.done).status).toBe(500);
      else {
        const failure = "a Slack envelope was not stored; left unacknowledged so Slack retries";
        await until(
          () => logged(logLines, failure).length > 0,
          () => "the failure was not logged",
        );
        expect(delivery.outcome()).toBeUndefined();
      }
      await handle.query(sql`alter table messages_away rename to messages`);
      expect((await slack.redeliver(delivery).done).acknowledged).toBe(true);
      await waitForReply(slack, (texts) => texts.includes("got it in the end"));
    });
  }

  test("strangers are acknowledged, ignored and never reach the LLM", async () => {
    const { slack, llmServer } = await start({ handle: await database() });
    expect((await slack.pushDm({ from: STRANGER, text: "let me in" }).done).acknowledged).toBe(true);
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(0);
    expect(llmServer.requests).toHaveLength(0);
  });

  test("pairing: without SLACK_OWNER_ID a sender gets a code, and after approval is the owner", async () => {
    const handle = await database();
    const { slack } = await start({ handle, owner: false, script: [{ text: "Paired and listening." }] });
    slack.pushDm({ from: "U0NEW", text: "hello" });
    await waitForReply(
      slack,
      (texts) => texts.some((text) => text.includes("ironclaw pairing approve slack")),
      "U0NEW",
    );
    const code = /approve slack ([A-Z2-9]{8})/.exec(replies(slack, "U0NEW")[0] ?? "")?.[1] as string;
    expect((await approvePairingCode(handle.db, "slack", code)).ok).toBe(true);
    slack.pushDm({ from: "U0NEW", text: "now?" });
    await waitForReply(slack, (texts) => texts.includes("Paired and listening."), "U0NEW");
  });

  test("http mode: bad or missing signatures and stale or future timestamps get 401; url_verification is answered", async () => {
    const { slack, llmServer, gateway } = await start({ handle: await database(), mode: "http" });
    const payload = slack.eventPayload({
      type: "message",
      channel: slack.imOf(OWNER),
      user: OWNER,
      text: "x",
      ts: "1.1",
      channel_type: "im",
    });
    const now = Math.floor(Date.now() / 1000);
    expect((await slack.deliverTampered(payload, { secret: "not-the-secret" })).status).toBe(401);
    // Well outside the 5-minute window, so a slow run cannot drift a future stamp back inside it.
    expect((await slack.deliverTampered(payload, { timestamp: now - 400 })).status).toBe(401);
    expect((await slack.deliverTampered(payload, { timestamp: now + 400 })).status).toBe(401);
    expect((await slack.deliverTampered(payload, { signature: "" })).status).toBe(401);
    const challenge = await slack.deliverTampered(
      { token: "t", challenge: "c-123", type: "url_verification" },
      {},
    );
    expect(challenge.status).toBe(200);
    expect(JSON.parse(challenge.body)).toEqual({ challenge: "c-123" });
    // Signed but malformed: acknowledged (a retry could not fix it), nothing else happens.
    const url = `${gateway.url}/channels/slack/events`;
    const garbage = await postSigned(url, slack.signingSecret, {
      body: "{not json",
      contentType: "application/json",
    });
    expect(garbage.status).toBe(200);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(`${gateway.url}/channels/slack/other`, { method: "POST" })).status).toBe(404);
    expect(llmServer.requests).toHaveLength(0);
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(0);
  });

  for (const mode of ["socket", "http"] as const) {
    test(`${mode} mode: a retried event (same event_id) and a restart never produce a second reply`, async () => {
      const handle = await database();
      const slack = await newSlackFake();
      const first = await start({ handle, slack, mode, script: [{ text: "only once" }] });
      const delivery = slack.pushDm({ from: OWNER, text: "ping" });
      await waitForReply(slack, (texts) => texts.includes("only once"));
      await first.host.queue.drain();
      const retry = await slack.redeliver(delivery).done;
      expect(retry.acknowledged).toBe(true);
      if (mode === "http") expect(retry.status).toBe(200);
      await first.close();
      // A new process on the same database gets Slack's next retry (its memory of events is gone).
      const second = await start({ handle, slack, mode });
      expect((await slack.redeliver(delivery).done).acknowledged).toBe(true);
      await second.host.queue.drain();
      expect(replies(slack)).toEqual(["only once"]);
      expect(first.llmServer.requests).toHaveLength(1);
      expect(second.llmServer.requests).toHaveLength(0);
    });
  }

  for (const [decision, label, outcome] of [
    ["approve", "Approve", "Approved"],
    ["always", "Always", "Always allowed"],
    ["deny", "Deny", "Denied"],
  ] as const) {
    test(`an approval press (${decision}) is acknowledged, decided, and the prompt loses its buttons`, async () => {
      const runs: string[] = [];
      const { slack, prompt } = await startWithPrompt({
        handle: await database(),
        runs,
        finalText: "finished",
      });
      expect(buttonsOf(prompt).map((button) => button.text.text)).toEqual([
        "✅ Approve",
        "♾️ Always",
        "❌ Deny",
      ]);
      expect(prompt.plainText).toContain("Approval needed: deploy");
      const press = slack.pressButton({ from: OWNER, message: prompt, actionId: buttonId(prompt, label) });
      expect((await press.done).acknowledged).toBe(true);
      await waitForReply(slack, (texts) => texts.includes("finished"));
      const settled = slack.messages(slack.imOf(OWNER)).find((message) => message.ts === prompt.ts);
      expect(settled?.plainText).toContain(outcome);
      expect(settled && hasButtons(settled)).toBe(false);
      expect(runs).toEqual(decision === "deny" ? [] : ["prod"]);
      expect(slack.ephemerals()).toEqual([]);
    });
  }

  test("http mode: a form-encoded press is acknowledged at once and resumes the turn", async () => {
    const runs: string[] = [];
    const { slack, prompt } = await startWithPrompt({
      handle: await database(),
      mode: "http",
      runs,
      finalText: "done over http",
    });
    const press = await slack.pressButton({
      from: OWNER,
      message: prompt,
      actionId: buttonId(prompt, "Approve"),
    }).done;
    expect(press.status).toBe(200);
    await waitForReply(slack, (texts) => texts.includes("done over http"));
    expect(runs).toEqual(["prod"]);
  });

  test("stale, foreign and undecodable presses get an ephemeral notice and change nothing", async () => {
    const runs: string[] = [];
    const { slack, prompt } = await startWithPrompt({
      handle: await database(),
      runs,
      finalText: "denied, ok",
    });
    // Buttons as the presser's (possibly outdated) screen shows them: the prompt object changes
    // when the fake applies chat.update, a stale screen does not.
    const approve = buttonsOf(prompt).find((button) => button.text.text.includes("Approve"));
    const approveId = approve?.action_id as string;
    const press = async (from: string, actionId: string, value = approve?.value) => {
      const before = slack.ephemerals().length;
      expect((await slack.pressButton({ from, message: prompt, actionId, value }).done).acknowledged).toBe(
        true,
      );
      await until(
        () => slack.ephemerals().length > before,
        () => "no ephemeral notice",
      );
      return slack.ephemerals().at(-1);
    };
    const current = () => slack.messages(slack.imOf(OWNER)).find((message) => message.ts === prompt.ts);
    expect(await press(STRANGER, approveId)).toMatchObject({
      user: STRANGER,
      text: "Only the owner can decide this.",
    });
    expect(await press(OWNER, approveId, "not an id!")).toMatchObject({
      user: OWNER,
      text: "This button is no longer valid.",
    });
    expect(await press(OWNER, "some_other_action", "x")).toMatchObject({
      text: "This button is no longer valid.",
    });
    expect(current()?.edits).toHaveLength(0);
    expect(current() && hasButtons(current() as FakeMessage)).toBe(true);
    slack.pressButton({ from: OWNER, message: prompt, actionId: buttonId(prompt, "Deny") });
    await waitForReply(slack, (texts) => texts.includes("denied, ok"));
    const stale = await press(OWNER, approveId);
    expect(stale?.text).toStartWith("This was already decided");
    expect(current()?.edits).toHaveLength(1); // only the deny settled it
    expect(runs).toEqual([]);
  });

  test("a button pressed after a restart resumes the turn", async () => {
    const handle = await database();
    const slack = await newSlackFake();
    const runs: string[] = [];
    const first = await start({
      handle,
      slack,
      tools: [createRiskyTool(runs)],
      script: [{ toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }] }],
    });
    slack.pushDm({ from: OWNER, text: "deploy" });
    await until(
      () => slack.messages(slack.imOf(OWNER)).some(hasButtons),
      () => "no prompt",
    );
    await first.close();
    const prompt = slack.messages(slack.imOf(OWNER)).find(hasButtons) as FakeMessage;
    const second = await start({
      handle,
      slack,
      tools: [createRiskyTool(runs)],
      script: [{ text: "deployed after restart" }],
    });
    slack.pressButton({ from: OWNER, message: prompt, actionId: buttonId(prompt, "Approve") });
    await waitForReply(slack, (texts) => texts.includes("deployed after restart"));
    expect(runs).toEqual(["prod"]);
    expect(second.llmServer.requests).toHaveLength(1);
  });

  test("socket mode: Slack's disconnect message leads to a reconnect, and the next DM is answered", async () => {
    const { slack, slackChannel } = await start({
      handle: await database(),
      script: [{ text: "back again" }],
    });
    expect(slackChannel.health?.()).toEqual({ ok: true, detail: "socket mode" });
    const before = slack.connections();
    slack.disconnectSocket("refresh_requested");
    await until(
      () => slack.connections().length > before.length && slack.connections().at(-1)?.helloSent === true,
      () => JSON.stringify(slack.connections()),
    );
    expect(slack.connections()[before.length - 1]?.closedAt).toBeDefined();
    slack.pushDm({ from: OWNER, text: "still there?" });
    await waitForReply(slack, (texts) => texts.includes("back again"));
    expect(slackChannel.health?.()).toEqual({ ok: true, detail: "socket mode" });
  });

  test("socket mode: a silent connection (no events, no pongs) is dropped by the watchdog and replaced", async () => {
    const { slack, slackChannel, logLines } = await start({
      handle: await database(),
      script: [{ text: "heard you" }],
    });
    const before = slack.connections();
    slack.silenceSocket();
    await until(
      () => slack.connections().length > before.length && slack.connections().at(-1)?.helloSent === true,
      () => JSON.stringify(slack.connections()),
    );
    const drops = logged(logLines, "slack socket looks dead; reconnecting");
    expect(String(drops[0]?.reason)).toStartWith("no events or pongs for");
    // the dead socket was closed, not leaked
    expect(slack.connections()[before.length - 1]?.closedAt).toBeDefined();
    slack.pushDm({ from: OWNER, text: "hello?" });
    await waitForReply(slack, (texts) => texts.includes("heard you"));
    expect(slackChannel.health?.()).toEqual({ ok: true, detail: "socket mode" });
  });

  test("socket mode: a connection that never says hello is replaced", async () => {
    const slack = await newSlackFake();
    slack.withholdHello(1);
    const { logLines } = await start({ handle: await database(), slack, script: [{ text: "finally" }] });
    await until(
      () => slack.connections().some((connection) => connection.helloSent),
      () => "no hello yet",
    );
    expect(slack.connections()[0]?.helloSent).toBe(false);
    expect(String(logged(logLines, "slack socket looks dead; reconnecting")[0]?.reason)).toStartWith(
      "no hello within",
    );
    slack.pushDm({ from: OWNER, text: "anyone?" });
    await waitForReply(slack, (texts) => texts.includes("finally"));
  });

  test("a reply over 40,000 characters is split into messages of sections within Slack's limits", async () => {
    const { slack, slackChannel } = await start({ handle: await database() });
    const channel = slack.imOf(OWNER);
    const paragraph = `${"word ".repeat(500).trim()} a < b`; // ~2,500 characters
    const code = `\`\`\`js\n${"const x = 1 < 2;\n".repeat(100)}\`\`\``;
    const long = [
      ...Array.from({ length: 10 }, () => paragraph),
      code,
      ...Array.from({ length: 8 }, () => paragraph),
    ].join("\n\n");
    const ref = await slackChannel.send({ chatId: channel }, { text: "starting…" });
    await slackChannel.edit?.(ref, { text: long }); // streaming past the limit appends messages
    const parts = slack.messages(channel).filter((message) => !message.deleted);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts[0]?.ts).toBe(ref.messageId);
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(40_000);
      for (const block of part.blocks as { text: { text: string } }[])
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
    const sections = parts
      .flatMap((part) => part.blocks as { text: { text: string } }[])
      .map((block) => block.text.text);
    const withCode = sections.filter((text) => text.includes("```"));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]).toContain("const x = 1 &lt; 2;");
    expect(
      parts
        .map((part) => part.plainText)
        .join("\n")
        .replaceAll(/\s+/g, ""),
    ).toBe(long.replace(/```js|```/g, "").replaceAll(/\s+/g, ""));
    await slackChannel.edit?.(ref, { text: "short again" }); // and shrinking deletes the extra parts
    expect(replies(slack)).toEqual(["short again"]);
  });

  test("a 429 is retried after Retry-After", async () => {
    const { slack } = await start({ handle: await database(), script: [{ text: "after the wait" }] });
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 1 });
    slack.pushDm({ from: OWNER, text: "go" });
    await waitForReply(slack, (texts) => texts.includes("after the wait"));
    const sends = callsTo(slack, "chat.postMessage");
    expect(sends).toHaveLength(2);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  test("a 429 longer than the wait cap fails the send at once; stopping cuts a wait short", async () => {
    const { slack, slackChannel } = await start({ handle: await database() });
    const channel = slack.imOf(OWNER);
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 3600 });
    // Without the cap this waits an hour (and times the test out).
    await expect(slackChannel.send({ chatId: channel }, { text: "not now" })).rejects.toThrow();
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(1);
    slack.failNext("chat.postMessage", { status: 429, retryAfter: 45 });
    const settled = slackChannel.send({ chatId: channel }, { text: "not now either" }).then(
      () => "sent",
      () => "failed",
    );
    await until(
      () => callsTo(slack, "chat.postMessage").length === 2,
      () => "the second send never reached Slack",
    );
    await slackChannel.stop(); // without the abort, the send waits 45 s (and times the test out)
    expect(await settled).toBe("failed");
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(2);
  });

  test("a blank send never reaches Slack and yields no ref", async () => {
    const { slack, slackChannel } = await start({ handle: await database() });
    for (const blank of ["", "  \n\t "]) {
      await expect(slackChannel.send({ chatId: slack.imOf(OWNER) }, { text: blank })).rejects.toBeInstanceOf(
        BlankMessageError,
      );
    }
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(0);
  });

  test("bad input is acknowledged, logged and ignored; file-only messages get a polite reply", async () => {
    const { slack, llmServer } = await start({ handle: await database(), script: [{ text: "still fine" }] });
    const im = slack.imOf(OWNER);
    expect(slack.sendRawFrame("{not json")).toBe(true);
    slack.sendRawFrame(
      // An interaction whose payload is not an object reaches the dispatcher: acknowledged, dropped.
      JSON.stringify({ type: "interactive", envelope_id: "env-garbage", payload: "garbage" }),
    );
    const ignored = [
      slack.pushEvent({
        type: "reaction_added",
        user: OWNER,
        reaction: "thumbsup",
        item: { type: "message", channel: im, ts: "1.1" },
      }),
      slack.pushEvent({
        type: "message",
        subtype: "message_changed",
        channel: im,
        channel_type: "im",
        hidden: true,
        ts: "2.2",
        message: { text: "edited" },
      }),
      slack.pushEvent({
        type: "message",
        subtype: "bot_message",
        bot_id: "B0OTHER",
        channel: im,
        channel_type: "im",
        text: "beep",
        ts: "3.3",
      }),
      slack.pushEvent({
        type: "message",
        user: slack.botUserId,
        channel: im,
        channel_type: "im",
        text: "my own echo",
        ts: "4.4",
      }),
      slack.pushEvent({
        type: "message",
        user: OWNER,
        channel: "C0GENERAL",
        channel_type: "channel",
        text: "in a channel",
        ts: "5.5",
      }),
      slack.pushEvent({ type: "message" }),
    ];
    for (const delivery of ignored) expect((await delivery.done).acknowledged).toBe(true);
    await until(
      () => slack.acks.some((ack) => ack.envelopeId === "env-garbage"),
      () => "garbage envelope not acked",
    );
    expect(callsTo(slack, "chat.postMessage")).toHaveLength(0);
    slack.pushDm({
      from: OWNER,
      text: "",
      extra: { subtype: "file_share", files: [{ id: "F1", name: "cat.png" }] },
    });
    await waitForReply(slack, (texts) =>
      texts.some((text) => text.startsWith("Sorry, I can only read text messages")),
    );
    slack.pushDm({ from: OWNER, text: "and now?" });
    await waitForReply(slack, (texts) => texts.includes("still fine"));
    expect(llmServer.requests).toHaveLength(1);
  });
});
