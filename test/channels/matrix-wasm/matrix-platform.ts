/**
 * The Matrix WASM channel as a contract platform (test/contracts/channel-descriptor.ts): the
 * fake homeserver outlives host restarts, each host start loads a fresh channel instance over
 * the same database (its state store holds the sync cursor), people act through the fake
 * (a DM = invite + message, a press = a reaction on the prompt), and the chat is read as a
 * Matrix client shows it (edits applied, redactions hidden, HTML rendered to text). A press's
 * receipt is the bot's `m.notice` replying to the reaction (the host's notice for the presser);
 * such notices are the press's answer, as a toast or an ephemeral is elsewhere, not the chat.
 *
 * The owner is a recorded identity, as pairing leaves it (the manifest ships without owner_id).
 */
import { setOwnerIdentity } from "../../../src/db/identities.ts";
import type { ApprovalDecision } from "../../../src/plugin/channel.ts";
import type { ContractPlatform, ContractPrompt, Person } from "../../contracts/channel-descriptor.ts";
import { until } from "../../contracts/contract-support.ts";
import { type BotMessage, type MatrixFake, startMatrixFake } from "../../fakes/matrix/matrix-fake.ts";
import { createMatrixChannelLoader } from "./matrix-channel.ts";

export const matrixUsers: Record<Person, string> = {
  owner: "@owner:matrix.example.org",
  stranger: "@stranger:matrix.example.org",
};
/** The reaction a person presses for each decision (the prompt's seeds). */
export const decisionKeys: Record<ApprovalDecision, string> = { approve: "👍", always: "🔁", deny: "👎" };

type Loader = Awaited<ReturnType<typeof createMatrixChannelLoader>>;

/** The bot's reactions seeded on a message (the prompt's "buttons"), redacted ones included. */
export function seedsOn(fake: MatrixFake, roomId: string, eventId: string) {
  return fake
    .eventsOf(roomId, "m.reaction")
    .filter(
      (event) =>
        event.sender === fake.botUserId &&
        (event.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === eventId,
    );
}

/** Waits until the bot is parked in a sync (online and caught up), so a new event reaches it. */
export const untilListening = (fake: MatrixFake) =>
  until(
    () => fake.isListening(),
    () => "the bot never parked a sync",
  );

export async function startMatrixPlatform(): Promise<ContractPlatform & { fake: MatrixFake }> {
  const fake = startMatrixFake();
  const loaders = new Map<unknown, Promise<Loader>>();
  const roomOf = (person: Person) => fake.dmRoomOf(matrixUsers[person]);
  const visible = (person: Person): BotMessage[] => {
    const roomId = roomOf(person);
    return roomId ? fake.botMessages(roomId).filter((message) => !message.redacted) : [];
  };
  /** The reaction a bot message replies to, when it is a press's notice. */
  const pressAnswered = (message: BotMessage, roomId: string) => {
    const replyTo = (
      message.original.content["m.relates_to"] as Record<string, { event_id?: string }> | undefined
    )?.["m.in_reply_to"]?.event_id;
    return message.msgtype === "m.notice" && replyTo !== undefined
      ? fake.eventsOf(roomId, "m.reaction").find((event) => event.event_id === replyTo)
      : undefined;
  };
  const messageAt = (eventId: string) => visible("owner").find((message) => message.eventId === eventId);

  function prompt(message: BotMessage, roomId: string): ContractPrompt {
    return {
      text: () => messageAt(message.eventId)?.text ?? "",
      isOpen: () => seedsOn(fake, roomId, message.eventId).some((seed) => !seed.redactedBy),
      async press(decision: ApprovalDecision, by: Person) {
        const presser = matrixUsers[by];
        if (fake.state.membership(roomId, presser) !== "join") fake.join(presser, roomId);
        await untilListening(fake);
        const reaction = fake.react(presser, roomId, message.eventId, decisionKeys[decision]);
        return {
          notice: () =>
            fake
              .botMessages(roomId)
              .find((sent) => pressAnswered(sent, roomId)?.event_id === reaction.event_id)?.text,
        };
      },
    };
  }

  return {
    fake,
    async createChannel(handle) {
      await setOwnerIdentity(handle.db, {
        channel: "matrix-wasm",
        externalUserId: matrixUsers.owner,
        source: "pairing",
      });
      let loader = loaders.get(handle);
      if (!loader) {
        loader = createMatrixChannelLoader({ fake, handle });
        loaders.set(handle, loader);
      }
      return (await loader).load();
    },
    host: {},
    async sendDm(from, text) {
      await untilListening(fake);
      return fake.sendDm(matrixUsers[from], text);
    },
    async redeliver(delivered) {
      fake.redeliver([delivered as Parameters<MatrixFake["redeliver"]>[0][number]]);
      await until(
        () => !fake.replayPending(),
        () => "the bot never synced the redelivered event",
      );
    },
    chat: (person) =>
      visible(person)
        .filter((message) => !pressAnswered(message, roomOf(person) ?? ""))
        .map((message) => ({ text: message.text, size: message.body.length })),
    findPrompt() {
      const roomId = roomOf("owner");
      if (!roomId) return undefined;
      // Shown once every choice it lists is seeded as a reaction (the "buttons" are all there).
      const found = fake.botMessages(roomId).find((message) => {
        const choices = Object.values(decisionKeys).filter((key) => message.text.includes(key)).length;
        return choices > 0 && seedsOn(fake, roomId, message.eventId).length === choices;
      });
      return found ? prompt(found, roomId) : undefined;
    },
    failSends() {
      const sends = () =>
        fake.requests.filter((request) => /\/send\/m\.room\.message\//.test(request.path)).length;
      const before = sends();
      fake.failNext(
        "send",
        { status: 403, errcode: "M_FORBIDDEN", error: "You are not allowed to send here" },
        100,
      );
      return { attempts: () => sends() - before, restore: () => fake.clearFailures() };
    },
    async close() {
      for (const loader of loaders.values()) await (await loader).close();
      await fake.close();
    },
  };
}
