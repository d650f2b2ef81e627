// The Matrix WASM channel receiving: the sync cursor lives in the channel's state (database), the
// very first sync skips old history, messages written while the host was down are answered once
// after a restart, a lost sync answer is synced again, and only DMs from people are emitted.
import { expect, test } from "bun:test";
import { listChannelState } from "../../../src/db/wasm-channel-state.ts";
import { until } from "../../contracts/contract-support.ts";
import { forEachBackend } from "../../support/db.ts";
import {
  chatOf,
  closeAfterEach,
  createLoader,
  matrixTestTimeout,
  owner,
  startHomeserver,
  startMatrixHost,
  waitForChat,
} from "./matrix-host.ts";
import { untilListening } from "./matrix-platform.ts";

closeAfterEach();

forEachBackend("matrix-wasm: sync", ({ database }) => {
  test(
    "the first sync skips the backlog; after a restart, what came meanwhile is answered once",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const old = fake.sendDm(owner, "an old message from before the bot");
      const loader = await createLoader({ fake, handle });
      const first = await startMatrixHost({ loader, handle, script: [{ text: "Answer to the new one." }] });
      await untilListening(fake);
      expect(fake.state.membership(old.room_id, fake.botUserId)).toBe("join"); // the DM invite was joined
      fake.sendDm(owner, "a new message");
      await waitForChat(fake, owner, (shown) => shown.includes("Answer to the new one."));
      await first.host.queue.drain();
      expect(first.llmServer.requests).toHaveLength(1);
      expect(JSON.stringify(first.llmServer.requests[0]?.body)).not.toContain("an old message");
      await first.close();

      const cursor = (await listChannelState(handle.db, "matrix-wasm")).get("cursor");
      expect(cursor).toMatch(/^s\d+$/);
      fake.sendDm(owner, "written while you were away");
      const second = await startMatrixHost({ loader, handle, script: [{ text: "Back, and answered." }] });
      await waitForChat(fake, owner, (shown) => shown.includes("Back, and answered."));
      await untilListening(fake);
      await second.host.queue.drain();
      expect(second.llmServer.requests).toHaveLength(1);
      expect(JSON.stringify(second.llmServer.requests[0]?.body)).toContain("written while you were away");
      expect(
        fake.requests.find((request) => request.path.endsWith("/sync") && request.query.since === cursor),
      ).toBeDefined();
      expect(chatOf(fake, owner)).toEqual(["Answer to the new one.", "Back, and answered."]);
    },
    matrixTestTimeout,
  );

  test(
    "a lost sync answer is synced again with the same since; the message is answered once",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const host = await startMatrixHost({ loader, handle, script: [{ text: "Got it once." }] });
      await untilListening(fake);
      fake.loseSyncAnswers(1);
      fake.sendDm(owner, "are you there?");
      await waitForChat(fake, owner, (shown) => shown.includes("Got it once."));
      await untilListening(fake);
      await host.host.queue.drain();
      const lost = fake.requests.find((request) => request.path.endsWith("/sync") && request.status === 502);
      expect(lost).toBeDefined();
      const retried = fake.requests.filter(
        (request) => request.path.endsWith("/sync") && request.query.since === lost?.query.since,
      );
      expect(retried.length).toBeGreaterThanOrEqual(2);
      expect(host.llmServer.requests).toHaveLength(1);
      expect(chatOf(fake, owner)).toEqual(["Got it once."]);
    },
    matrixTestTimeout,
  );

  test(
    "the bot ignores its own events and m.notice; an image is answered politely without the model",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const host = await startMatrixHost({
        loader,
        handle,
        script: [{ text: "Hello!" }, { text: "Second." }],
      });
      await untilListening(fake);
      const dm = fake.sendDm(owner, "hi");
      await waitForChat(fake, owner, (shown) => shown.includes("Hello!"));
      fake.sendEvent(owner, dm.room_id, "m.room.message", {
        msgtype: "m.notice",
        body: "an automated notice",
      });
      fake.sendEvent(owner, dm.room_id, "m.room.message", {
        msgtype: "m.image",
        body: "cat.png",
        url: "mxc://x/y",
      });
      await waitForChat(fake, owner, (shown) =>
        shown.some((text) => text.startsWith("Sorry, I can only read text")),
      );
      await untilListening(fake);
      await host.host.queue.drain();
      // The bot's own answer came back in later syncs and was not taken for a message.
      expect(host.llmServer.requests).toHaveLength(1);
      expect(chatOf(fake, owner)).toHaveLength(2);
    },
    matrixTestTimeout,
  );

  test(
    "a DM invite is joined, an invite to a group room is not",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      await startMatrixHost({ loader, handle, script: [{ text: "In the DM." }] });
      await untilListening(fake);
      const group = fake.state.createRoom(owner, fake.botUserId, false);
      fake.sendDm(owner, "hello");
      await waitForChat(fake, owner, (shown) => shown.includes("In the DM."));
      await until(
        () => fake.isListening(),
        () => "the bot never went back to listening",
      );
      expect(fake.state.membership(group.roomId, fake.botUserId)).toBe("invite");
    },
    matrixTestTimeout,
  );
  test(
    "a message the host refuses (a 300-character sender id) is skipped; the channel keeps serving",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const host = await startMatrixHost({ loader, handle, script: [{ text: "Still here." }] });
      await untilListening(fake);
      const overlong = `@${"a".repeat(300)}:matrix.example.org`;
      const refused = fake.sendDm(overlong, "from a very long name");
      await until(
        () => fake.state.membership(refused.room_id, fake.botUserId) === "join",
        () => "the bot did not join the DM",
      );
      await untilListening(fake);
      fake.sendDm(owner, "are you stuck?");
      await waitForChat(fake, owner, (shown) => shown.includes("Still here."));
      await host.host.queue.drain();
      expect(host.channel.health?.().ok).toBe(true);
      expect(host.llmServer.requests).toHaveLength(1);
    },
    matrixTestTimeout,
  );
});
