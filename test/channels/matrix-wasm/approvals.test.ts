// Approvals on Matrix: the prompt lists its choices and the bot seeds them as reactions; the
// owner's reaction decides and the settled prompt loses its seeds; a typed `/approve <id>` works
// as the text fallback; a stranger's reaction and the bot's own seeds decide nothing, and every
// reaction the host decided gets its notice as an m.notice replying to it.
import { expect, test } from "bun:test";
import { createRiskyTool } from "../../agent/tools-fixtures.ts";
import { deployCall, until } from "../../contracts/contract-support.ts";
import type { MatrixFake } from "../../fakes/matrix/matrix-fake.ts";
import { forEachBackend } from "../../support/db.ts";
import {
  closeAfterEach,
  createLoader,
  matrixTestTimeout,
  owner,
  startHomeserver,
  startMatrixHost,
  stranger,
  waitForChat,
} from "./matrix-host.ts";
import { seedsOn, untilListening } from "./matrix-platform.ts";

closeAfterEach();

/** The prompt in the owner's room, once the bot seeded its reactions. */
async function promptIn(fake: MatrixFake) {
  let found: { roomId: string; eventId: string; text: string } | undefined;
  await until(
    () => {
      const roomId = fake.dmRoomOf(owner) ?? "";
      // All three seeds: the prompt as the owner sees it once the bot finished showing it.
      const message = fake
        .botMessages(roomId)
        .find((candidate) => seedsOn(fake, roomId, candidate.eventId).length === 3);
      found = message && { roomId, eventId: message.eventId, text: message.text };
      return found !== undefined;
    },
    () => "no prompt with seeded reactions",
  );
  return found as { roomId: string; eventId: string; text: string };
}

/** The bot's m.notice replying to a reaction (the host's notice for that press), once it is there. */
async function noticeFor(fake: MatrixFake, roomId: string, reactionId: string) {
  const find = () =>
    fake
      .botMessages(roomId)
      .find(
        (message) =>
          message.msgtype === "m.notice" &&
          (message.original.content["m.relates_to"] as { "m.in_reply_to"?: { event_id?: string } })?.[
            "m.in_reply_to"
          ]?.event_id === reactionId,
      );
  await until(
    () => find() !== undefined,
    () => `no notice replying to ${reactionId}`,
  );
  return find() as NonNullable<ReturnType<typeof find>>;
}

async function startWithPrompt(database: () => Promise<Parameters<typeof createLoader>[0]["handle"]>) {
  const handle = await database();
  const fake = startHomeserver();
  const loader = await createLoader({ fake, handle });
  const runs: string[] = [];
  const host = await startMatrixHost({
    loader,
    handle,
    tools: [createRiskyTool(runs)],
    script: [deployCall, { text: "Done deploying." }],
  });
  await untilListening(fake);
  fake.sendDm(owner, "deploy");
  return { fake, runs, host, prompt: await promptIn(fake) };
}

forEachBackend("matrix-wasm: approvals", ({ database }) => {
  test(
    "the prompt lists reactions and commands; the owner's 👍 approves and the seeds go",
    async () => {
      const { fake, runs, prompt } = await startWithPrompt(database);
      expect(prompt.text).toContain("Approval needed: deploy");
      expect(prompt.text).toMatch(/👍 approve, 🔁 always allow, 👎 deny/);
      expect(prompt.text).toMatch(/\/approve \S+, \/always \S+, \/deny \S+/);
      expect(
        seedsOn(fake, prompt.roomId, prompt.eventId).map(
          (seed) => (seed.content["m.relates_to"] as { key: string }).key,
        ),
      ).toEqual(["👍", "🔁", "👎"]);
      await untilListening(fake);
      fake.react(owner, prompt.roomId, prompt.eventId, "👍️"); // with a variation selector, as clients send it
      await waitForChat(fake, owner, (shown) => shown.includes("Done deploying."));
      expect(runs).toEqual(["prod"]);
      await until(
        () => seedsOn(fake, prompt.roomId, prompt.eventId).every((seed) => seed.redactedBy !== undefined),
        () => "the seeds were not removed",
      );
      const settled = fake.botMessages(prompt.roomId).find((message) => message.eventId === prompt.eventId);
      expect(settled?.text).toMatch(/^Approved: deploy/);
    },
    matrixTestTimeout,
  );

  test(
    "a typed /approve <id> decides (the text fallback)",
    async () => {
      const { fake, runs, prompt } = await startWithPrompt(database);
      const approvalId = /\/approve (\S+),/.exec(prompt.text)?.[1] ?? "";
      await untilListening(fake);
      fake.sendDm(owner, `/approve ${approvalId}`);
      await waitForChat(fake, owner, (shown) => shown.includes("Done deploying."));
      expect(runs).toEqual(["prod"]);
    },
    matrixTestTimeout,
  );

  test(
    "a stranger's reaction and the bot's own seeds decide nothing; the owner's 👎 denies, a stale 👍 changes nothing",
    async () => {
      const { fake, runs, host, prompt } = await startWithPrompt(database);
      fake.join(stranger, prompt.roomId);
      await untilListening(fake);
      const foreign = fake.react(stranger, prompt.roomId, prompt.eventId, "👍");
      // Several syncs later (the stranger's reaction and the bot's seeds were all seen) nothing ran.
      for (let round = 0; round < 2; round++) {
        await untilListening(fake);
        fake.sendEvent(stranger, prompt.roomId, "m.room.message", { msgtype: "m.notice", body: "tick" });
      }
      await untilListening(fake);
      expect(runs).toEqual([]);
      expect(
        seedsOn(fake, prompt.roomId, prompt.eventId).every((seed) => seed.redactedBy === undefined),
      ).toBe(true);
      const refused = await noticeFor(fake, prompt.roomId, foreign.event_id);
      expect(refused.text).toBe("Only the owner can decide this.");
      expect(refused.original.content["m.mentions"]).toEqual({ user_ids: [stranger] });
      const deny = fake.react(owner, prompt.roomId, prompt.eventId, "👎");
      await waitForChat(fake, owner, (shown) => shown.includes("Done deploying."));
      expect(runs).toEqual([]);
      const settled = fake.botMessages(prompt.roomId).find((message) => message.eventId === prompt.eventId);
      expect(settled?.text).toMatch(/^Denied: deploy/);
      expect((await noticeFor(fake, prompt.roomId, deny.event_id)).text).toBe("Denied: deploy");
      // A stale 👍 on the settled prompt: seen, handed to the host, answered with a notice, and
      // it changes nothing else.
      const shownBefore = fake.botMessages(prompt.roomId).map((message) => message.text);
      await untilListening(fake);
      const stale = fake.react(owner, prompt.roomId, prompt.eventId, "👍");
      const staleNotice = await noticeFor(fake, prompt.roomId, stale.event_id);
      expect(staleNotice.text).toStartWith("This was already decided");
      await untilListening(fake);
      await host.host.queue.drain();
      expect(runs).toEqual([]);
      expect(fake.botMessages(prompt.roomId).map((message) => message.text)).toEqual([
        ...shownBefore,
        staleNotice.text,
      ]);
    },
    matrixTestTimeout,
  );
});
