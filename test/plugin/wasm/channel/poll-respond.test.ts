/**
 * The end-to-end path of a WASM channel: load the component, start it (on-start keeps what it
 * returned), a poll brings a message from the platform that is emitted to the host with the
 * registered id, the cursor lands in the channel's store, and the host answers through
 * on-respond with a delivery id.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  type ChannelTestKit,
  channelArtifact,
  createChannelTestKit,
  createRecordingHost,
  eventually,
} from "./support.ts";

let kit: ChannelTestKit;
beforeEach(() => {
  kit = createChannelTestKit();
});
afterEach(() => kit.close());

describe("wasm channel: poll and respond", () => {
  test("a polled message reaches the host and the answer goes out through on-respond", async () => {
    const channel = await kit.runtime.load(await channelArtifact("chatty"), kit.bindings());
    const { host, messages } = createRecordingHost(kit.log);
    kit.platform.say({ id: "m-1", chat: "room-1", from: "alice", text: "hello" });
    await channel.start(host);
    await eventually(() => messages.length === 1);
    expect(messages[0]).toMatchObject({
      channel: "chatty",
      messageId: "m-1",
      chatId: "room-1",
      senderId: "alice",
      text: "hello",
      isDirect: true,
    });
    await eventually(() => kit.state.values("chatty").get("cursor") === "1");
    const ref = await channel.send({ chatId: "room-1" }, { text: "hi alice" });
    expect(ref).toEqual({ chatId: "room-1", messageId: "sent-1" });
    const send = kit.platform.requests.find((request) => request.path === "/send");
    expect(send?.body).toMatchObject({ chatId: "room-1", text: "hi alice" });
    expect(String(send?.body.deliveryId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(channel.health?.()).toEqual({ ok: true });
    await channel.stop();
  }, 60_000);
});
