/**
 * The heartbeat through the real host on a controllable clock: an empty HEARTBEAT.md costs no LLM
 * call; HEARTBEAT_OK (streamed) is never sent; anything else reaches HEARTBEAT_CHANNEL; quiet
 * hours skip the check; three failures in a row slow it down and tell the owner once.
 */
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { getRoutineByName } from "../../src/db/routines.ts";
import { conversations } from "../../src/db/schema/index.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { forEachBackend } from "../support/db.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { Clock, startScheduledHost } from "./support.ts";

const heartbeatEnv = { HEARTBEAT_ENABLED: "true", HEARTBEAT_SCHEDULE: "*/30 * * * *", TZ: "UTC" };

forEachBackend("heartbeat", ({ database }) => {
  async function start(
    options: { env?: Record<string, string>; at?: string; channels?: MemoryChannel[] } = {},
  ) {
    const handle = await database();
    const clock = new Clock(new Date(options.at ?? "2026-11-23T08:59:00Z"));
    const channel = options.channels?.[0] ?? new MemoryChannel();
    const h = await startScheduledHost(handle, clock, {
      env: { ...heartbeatEnv, ...options.env },
      channel,
      channels: options.channels,
    });
    await getOrCreateConversation(handle.db, channel.id, "chat-1");
    // The checklist lives in the owner's memory (the file is read only while memory has none).
    const checklist = (text: string) => h.host.memory.write("HEARTBEAT.md", text);
    return { handle, clock, h, checklist, channel };
  }

  test("an empty checklist makes no LLM call at all", async () => {
    const { clock, h, handle } = await start();
    try {
      // The seeded HEARTBEAT.md holds only comments.
      for (const slot of ["09:00", "09:30", "10:00"]) {
        clock.set(`2026-11-23T${slot}:00Z`);
        await h.tick();
      }
      // Passed over without a history row per slot, and the schedule moved on.
      expect(await h.runs("heartbeat")).toHaveLength(0);
      expect((await getRoutineByName(handle.db, "heartbeat"))?.nextRunAt?.toISOString()).toBe(
        "2026-11-23T10:30:00.000Z",
      );
      expect(h.llmServer.requests).toHaveLength(0);
      expect(h.channel.sent).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  test("HEARTBEAT_OK, streamed, is never sent; one lean call carries the checklist", async () => {
    const { clock, h, checklist } = await start();
    try {
      await checklist("# Checks\n- Is the nightly backup older than a day?\n");
      h.llmServer.enqueue({ text: "HEARTBEAT_OK" });
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      const [run] = await h.settledRuns("heartbeat", 1);
      expect(run?.status).toBe("ok");
      expect(h.llmServer.requests).toHaveLength(1);
      const request = h.llmServer.requests[0];
      expect(request?.body.stream).toBe(true);
      expect(request?.body.tools).toBeUndefined();
      const messages = sentMessages(request);
      expect(messages).toHaveLength(2);
      expect(messages[1]?.content).toBe("- Is the nightly backup older than a day?");
      expect(h.channel.sent).toHaveLength(0);
    } finally {
      await h.close();
    }
  });

  test("an answer that needs attention goes to HEARTBEAT_CHANNEL, not the most recent chat", async () => {
    const main = new MemoryChannel("memory");
    const other = new MemoryChannel("other");
    const { clock, h, checklist, handle } = await start({
      env: { HEARTBEAT_CHANNEL: "other" },
      channels: [main, other],
    });
    try {
      await getOrCreateConversation(handle.db, "other", "chat-9");
      // The owner spoke on "memory" last; the heartbeat still reports on "other".
      await handle.db
        .update(conversations)
        .set({ lastMessageAt: sql`now() - interval '1 hour'` })
        .where(sql`${conversations.channel} = 'other'`);
      await checklist("- Anything due today?\n");
      h.llmServer.enqueue({ text: "The car insurance renewal is due today." });
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      await other.waitFor(() => other.sent.length === 1);
      expect(other.sent[0]).toMatchObject({
        chatId: "chat-9",
        text: "The car insurance renewal is due today.",
      });
      expect(main.sent).toHaveLength(0);
      expect((await h.settledRuns("heartbeat", 1))[0]?.status).toBe("attention");
    } finally {
      await h.close();
    }
  });

  test("quiet hours skip the check without an LLM call, and it resumes after", async () => {
    const { clock, h, checklist, handle } = await start({
      env: { TZ: "Europe/Berlin", HEARTBEAT_QUIET_HOURS: "22:00-07:00" },
      at: "2026-11-23T21:50:00Z",
    });
    try {
      await checklist("- Anything urgent?\n");
      clock.set("2026-11-23T22:00:00Z"); // 23:00 in Berlin
      await h.tick();
      expect(await h.runs("heartbeat")).toHaveLength(0);
      expect((await getRoutineByName(handle.db, "heartbeat"))?.nextRunAt?.toISOString()).toBe(
        "2026-11-23T22:30:00.000Z",
      );
      expect(h.llmServer.requests).toHaveLength(0);

      h.llmServer.enqueue({ text: "The server disk is 95% full." });
      clock.set("2026-11-24T06:00:00Z"); // 07:00 in Berlin: catch-up once after the quiet night
      await h.tick();
      await h.channel.waitFor(() => h.channel.texts().includes("The server disk is 95% full."));
      expect(h.llmServer.requests).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  test("three failures in a row: the owner is told once and the heartbeat backs off", async () => {
    const { clock, h, checklist, handle } = await start();
    try {
      await checklist("- Check the mail server.\n");
      // Every 30 minutes until the third failure, then an hour later, then two hours.
      for (const [index, slot] of ["09:00", "09:30", "10:00", "11:00"].entries()) {
        const routine = await getRoutineByName(handle.db, "heartbeat");
        clock.current = routine?.nextRunAt as Date;
        expect(clock.current.toISOString()).toBe(`2026-11-23T${slot}:00.000Z`);
        h.llmServer.enqueue({ fault: "unauthorized" });
        await h.tick();
        await h.settledRuns("heartbeat", index + 1);
      }
      const notices = h.channel.texts().filter((text) => text.includes("heartbeat failed"));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain("3 times in a row");
      const routine = await getRoutineByName(handle.db, "heartbeat");
      expect(routine?.consecutiveFailures).toBe(4);
      expect(routine?.nextRunAt?.toISOString()).toBe("2026-11-23T13:00:00.000Z");

      h.llmServer.enqueue({ text: "HEARTBEAT_OK" });
      clock.current = routine?.nextRunAt as Date;
      await h.tick();
      await h.settledRuns("heartbeat", 5);
      expect((await getRoutineByName(handle.db, "heartbeat"))?.consecutiveFailures).toBe(0);
    } finally {
      await h.close();
    }
  });

  test("HEARTBEAT_ENABLED=false leaves no heartbeat routine running", async () => {
    const { clock, h, handle } = await start({ env: { HEARTBEAT_ENABLED: "false" } });
    try {
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      expect(await getRoutineByName(handle.db, "heartbeat")).toBeUndefined();
      expect(h.llmServer.requests).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
