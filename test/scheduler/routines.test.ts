/**
 * Owner-defined routines on a controllable clock, through the real host (pipeline, agent,
 * approvals, database) with the fake LLM: a routine fires at its slot and the answer reaches the
 * owner's most recent chat; "nothing to report" is never sent, even streamed; two schedulers on
 * one database run each slot once; downtime is caught up once (or skipped); failures retry with
 * back-off and tell the owner once; a channel that is down keeps the message; a risky tool inside
 * a routine waits for the owner's button; a restart mid-run does not run the slot again.
 */
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { getRoutineByName } from "../../src/db/routines.ts";
import { approvals, routineDeliveries } from "../../src/db/schema/index.ts";
import type { ChatTarget, MessageRef, OutboundMessage } from "../../src/plugin/channel.ts";
import { createRoutineRow } from "../../src/scheduler/store.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import { MemoryChannel } from "../fakes/memory-channel.ts";
import { forEachBackend, openSecondConnection } from "../support/db.ts";
import type { HostHarnessOptions } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { Clock, type ScheduledHost, startScheduledHost, until } from "./support.ts";

/** Monday 23 November 2026, 08:59:30 UTC. */
const MONDAY = "2026-11-23T08:59:30Z";

async function ownerChat(
  db: Parameters<typeof getOrCreateConversation>[0],
  channel = "memory",
  chatId = "chat-1",
) {
  await getOrCreateConversation(db, channel, chatId);
}

class FlakyChannel extends MemoryChannel {
  down = false;
  override async send(to: ChatTarget, message: OutboundMessage): Promise<MessageRef> {
    if (this.down) throw new Error("503 from the platform");
    return super.send(to, message);
  }
}

forEachBackend("routines", ({ database }) => {
  /** A host on a fresh database with the clock at MONDAY, where the owner already has a chat. */
  async function scenario(
    options: HostHarnessOptions,
    body: (context: { handle: DatabaseHandle; clock: Clock; h: ScheduledHost }) => Promise<void>,
  ): Promise<void> {
    const handle = await database();
    const clock = new Clock(new Date(MONDAY));
    const h = await startScheduledHost(handle, clock, options);
    try {
      await ownerChat(handle.db);
      await body({ handle, clock, h });
    } finally {
      await h.close();
    }
  }

  test("a routine fires at its slot and its answer reaches the owner's most recent chat", async () => {
    await scenario({}, async ({ handle, clock, h }) => {
      const routine = await createRoutineRow(handle.db, h.scheduler, {
        name: "invoices",
        schedule: "0 9 * * 1",
        prompt: "Remind the owner to review the invoices.",
      });
      expect(routine.nextRunAt?.toISOString()).toBe("2026-11-23T09:00:00.000Z");
      await h.tick(); // 08:59:30: not yet
      expect(await h.runs("invoices")).toHaveLength(0);

      h.llmServer.enqueue({
        text: "Time to review the invoices.",
        usage: { inputTokens: 120, outputTokens: 9 },
      });
      clock.set("2026-11-23T09:00:00.020Z");
      await h.tick();
      await h.channel.waitFor(() => h.channel.texts().includes("Time to review the invoices."));
      const [run] = await h.settledRuns("invoices", 1);
      expect(run?.status).toBe("attention");
      expect(run?.trigger).toBe("schedule");
      expect(run?.scheduledFor.toISOString()).toBe("2026-11-23T09:00:00.000Z");
      expect(run?.inputTokens).toBe(120);
      expect(run?.outputTokens).toBe(9);
      expect(run?.turnId).toBeTruthy();
      const prompt = sentMessages(h.llmServer.requests[0]).at(-1)?.content ?? "";
      expect(prompt).toContain("Remind the owner to review the invoices.");
      expect(prompt).toContain("ROUTINE_OK");
      expect(h.channel.sent.filter((m) => m.chatId === "chat-1")).toHaveLength(1);
      expect((await getRoutineByName(handle.db, "invoices"))?.nextRunAt?.toISOString()).toBe(
        "2026-11-30T09:00:00.000Z",
      );
    });
  });

  test("a streamed 'nothing to report' answer is never shown, not even partially", async () => {
    await scenario({}, async ({ handle, clock, h }) => {
      await createRoutineRow(handle.db, h.scheduler, {
        name: "inbox",
        schedule: "* * * * *",
        prompt: "Check the inbox.",
      });
      h.llmServer.enqueue({ text: "ROUTINE_OK — nothing new in the inbox." });
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      const [run] = await h.settledRuns("inbox", 1);
      expect(run?.status).toBe("ok");
      expect(h.llmServer.requests[0]?.body.stream).toBe(true);
      expect(h.channel.sent).toHaveLength(0);
      expect(await h.deliveries()).toHaveLength(0);
    });
  });

  test("two schedulers on one database run each slot exactly once", async () => {
    const handle = await database();
    // On PostgreSQL the second scheduler has its own connection pool, as a second process would.
    const second = await openSecondConnection(handle);
    const clock = new Clock(new Date(MONDAY));
    const a = await startScheduledHost(handle, clock);
    const b = await startScheduledHost(second ?? handle, clock);
    try {
      await ownerChat(handle.db);
      await createRoutineRow(handle.db, a.scheduler, {
        name: "tick",
        schedule: "* * * * *",
        prompt: "Say tick.",
      });
      for (let minute = 0; minute < 4; minute++) {
        a.llmServer.enqueue({ text: `tick ${minute}` });
        b.llmServer.enqueue({ text: `tick ${minute}` });
        clock.set(`2026-11-23T09:0${minute}:00.005Z`);
        await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
        await a.settledRuns("tick", minute + 1);
      }
      const runs = await a.runs("tick");
      expect(runs).toHaveLength(4);
      expect(new Set(runs.map((run) => run.scheduledFor.toISOString())).size).toBe(4);
      expect(a.llmServer.requests.length + b.llmServer.requests.length).toBe(4);
    } finally {
      await a.close();
      await b.close();
      await second?.close();
    }
  });

  test("after downtime a routine that missed slots runs once, and the history says so", async () => {
    await scenario({}, async ({ handle, clock, h }) => {
      await createRoutineRow(handle.db, h.scheduler, {
        name: "every-minute",
        schedule: "* * * * *",
        prompt: "Check.",
      });
      await createRoutineRow(handle.db, h.scheduler, {
        name: "skipper",
        schedule: "* * * * *",
        prompt: "Check too.",
        catchUp: "skip",
      });
      h.llmServer.enqueue({ text: "Caught up: all fine but one thing." });
      clock.set("2026-11-23T10:00:30Z"); // an hour down
      await h.tick();
      await h.tick();
      const [caughtUp, ...others] = await h.settledRuns("every-minute", 1);
      expect(others).toHaveLength(0);
      expect(caughtUp?.trigger).toBe("catch_up");
      expect(caughtUp?.scheduledFor.toISOString()).toBe("2026-11-23T10:00:00.000Z");
      expect(caughtUp?.summary ?? "").toContain("Caught up");
      const [skipped, ...more] = await h.runs("skipper");
      expect(more).toHaveLength(0);
      expect(skipped?.status).toBe("skipped");
      expect(skipped?.summary).toContain("61 slots missed");
      expect(h.llmServer.requests).toHaveLength(1);
      expect((await getRoutineByName(handle.db, "every-minute"))?.nextRunAt?.toISOString()).toBe(
        "2026-11-23T10:01:00.000Z",
      );
    });
  });

  test("a failing routine retries after 30 s, tells the owner once, and recovers", async () => {
    await scenario({}, async ({ handle, clock, h }) => {
      await createRoutineRow(handle.db, h.scheduler, {
        name: "report",
        schedule: "0 9 * * *",
        prompt: "Report.",
      });
      h.llmServer.enqueue({ fault: "unauthorized" });
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      const [failed] = await h.settledRuns("report", 1);
      expect(failed?.status).toBe("failed");
      await h.channel.waitFor(() =>
        h.channel.texts().some((text) => text.includes("Routine “report” failed")),
      );
      expect(h.channel.texts().at(-1)).toContain("retry");

      h.llmServer.enqueue({ fault: "unauthorized" });
      clock.set("2026-11-23T09:00:30Z");
      await h.tick();
      const runs = await h.settledRuns("report", 2);
      expect(runs[0]?.trigger).toBe("retry");
      expect(runs[0]?.status).toBe("failed");
      expect(h.channel.texts().filter((text) => text.includes("failed"))).toHaveLength(1);

      h.llmServer.enqueue({ text: "Report: all green." });
      clock.set("2026-11-23T09:01:30Z"); // the second retry waits 1 minute
      await h.tick();
      await h.channel.waitFor(() => h.channel.texts().includes("Report: all green."));
      expect((await h.settledRuns("report", 3))[0]?.status).toBe("attention");
      expect((await getRoutineByName(handle.db, "report"))?.consecutiveFailures).toBe(0);
    });
  });

  test("a channel that is down keeps the message for the next attempt", async () => {
    const channel = new FlakyChannel();
    await scenario({ channel }, async ({ handle, clock, h }) => {
      await createRoutineRow(handle.db, h.scheduler, {
        name: "water",
        schedule: "0 9 * * *",
        prompt: "Remind: water.",
      });
      channel.down = true;
      h.llmServer.enqueue({ text: "Drink some water." });
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      await h.settledRuns("water", 1);
      await until(
        async () => (await h.deliveries()).some((row) => row.lastError !== null),
        "a failed attempt",
      );
      const [kept] = await h.deliveries();
      expect(kept?.deliveredAt).toBeNull();
      expect(kept?.lastError).toContain("503");

      channel.down = false;
      clock.set("2026-11-23T09:00:10Z");
      await h.tick(); // not yet: the retry waits 30 s
      expect(channel.sent).toHaveLength(0);
      clock.set("2026-11-23T09:00:31Z");
      await h.tick();
      expect(channel.texts()).toEqual(["Drink some water."]);
      await h.tick();
      expect(channel.texts()).toEqual(["Drink some water."]);
      const [delivered] = await handle.db
        .select()
        .from(routineDeliveries)
        .where(eq(routineDeliveries.id, kept?.id ?? ""));
      expect(delivered?.deliveredAt).not.toBeNull();
      expect(delivered?.attempts).toBe(2);
    });
  });

  test("a risky tool inside a routine waits for the owner's button in the owner's chat", async () => {
    const handle = await database();
    const clock = new Clock(new Date(MONDAY));
    const deployed: string[] = [];
    const h = await startScheduledHost(handle, clock, { tools: [createRiskyTool(deployed)] });
    try {
      await ownerChat(handle.db);
      await createRoutineRow(handle.db, h.scheduler, {
        name: "nightly",
        schedule: "0 9 * * *",
        prompt: "Deploy staging.",
        notify: "success",
      });
      h.llmServer.enqueue(
        { toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"staging"}' }] },
        { text: "Staging is deployed." },
      );
      clock.set("2026-11-23T09:00:00Z");
      await h.tick();
      await h.channel.waitFor(() => h.channel.sent.some((m) => m.prompt));
      const promptMessage = h.channel.sent.find((m) => m.prompt);
      expect(promptMessage?.chatId).toBe("chat-1");
      expect(deployed).toHaveLength(0);
      // The approval moves to the chat that shows its buttons (not the routine's own conversation).
      await until(
        async () => (await handle.db.select().from(approvals))[0]?.channel === "memory",
        "the approval's chat",
      );
      expect((await handle.db.select().from(approvals))[0]?.chatId).toBe("chat-1");

      const result = await h.channel.press(promptMessage?.prompt?.approvalId ?? "", "approve");
      expect(result.ok).toBe(true);
      await h.channel.waitFor(() => h.channel.texts().includes("Staging is deployed."));
      expect(deployed).toEqual(["staging"]);
      expect(promptMessage?.outcome).toBe("approved");
      expect((await h.settledRuns("nightly", 1))[0]?.status).toBe("attention");
    } finally {
      await h.close();
    }
  });

  test("a restart in the middle of a run does not run that slot again", async () => {
    const handle = await database();
    const clock = new Clock(new Date(MONDAY));
    const first = await startScheduledHost(handle, clock, { env: { LLM_TIMEOUT: "60s" } });
    let second: Awaited<ReturnType<typeof startScheduledHost>> | undefined;
    try {
      await ownerChat(handle.db);
      await createRoutineRow(handle.db, first.scheduler, {
        name: "long",
        schedule: "0 9 * * *",
        prompt: "Work.",
      });
      first.llmServer.enqueue({ fault: "hang" });
      clock.set("2026-11-23T09:00:00Z");
      await first.tick();
      await until(() => first.llmServer.requests.length === 1, "the first process to call the LLM");
      // The first process "dies" here (it is never stopped); a new one starts on the same database.
      const channel = new MemoryChannel();
      second = await startScheduledHost(handle, clock, { channel });
      await second.tick();
      const [run, ...others] = await second.settledRuns("long", 1);
      expect(others).toHaveLength(0);
      expect(run?.status).toBe("interrupted");
      await channel.waitFor(() => channel.texts().some((text) => text.includes("interrupted by a restart")));
      clock.set("2026-11-23T09:00:40Z");
      await second.tick();
      expect(await second.runs("long")).toHaveLength(1);
      expect(second.llmServer.requests).toHaveLength(0);
      expect(channel.texts().filter((text) => text.includes("interrupted"))).toHaveLength(1);
    } finally {
      await second?.close();
      await first.close();
    }
  });
});
