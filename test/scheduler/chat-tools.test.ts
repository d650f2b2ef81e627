/**
 * Routines from chat: "remind me every Monday at 9 to review invoices" becomes a routine_create
 * call that waits for the owner's approval, then fires at its time in the owner's chat. The other
 * routine tools, and errors that name the bad field.
 */
import { expect, test } from "bun:test";
import { getOrCreateConversation } from "../../src/db/conversations.ts";
import { getRoutineByName } from "../../src/db/routines.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { forEachBackend } from "../support/db.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { createTestToolContext } from "../support/tool-context.ts";
import { Clock, startScheduledHost } from "./support.ts";

forEachBackend("routine tools", ({ database }) => {
  test("a routine created from chat after approval fires at its time in that chat", async () => {
    const handle = await database();
    const clock = new Clock(new Date("2026-11-21T15:00:00Z")); // Saturday
    const h = await startScheduledHost(handle, clock, { env: { TZ: "Europe/Berlin" } });
    try {
      h.llmServer.enqueue(
        {
          toolCalls: [
            {
              id: "call-1",
              name: "routine_create",
              arguments: JSON.stringify({
                name: "invoices",
                schedule: "0 9 * * 1",
                prompt: "Remind the owner to review the invoices.",
              }),
            },
          ],
        },
        { text: "Done: every Monday at 09:00 I will remind you." },
      );
      await h.channel.deliver("remind me every Monday at 9 to review invoices");
      await h.channel.waitFor(() => h.channel.sent.some((m) => m.prompt?.tool === "routine_create"));
      expect(await getRoutineByName(handle.db, "invoices")).toBeUndefined(); // not before the owner says so
      const prompt = h.channel.sent.find((m) => m.prompt)?.prompt;
      expect(prompt?.summary).toContain("0 9 * * 1");

      await h.channel.press(prompt?.approvalId ?? "", "approve");
      await h.channel.waitFor(() =>
        h.channel.texts().includes("Done: every Monday at 09:00 I will remind you."),
      );
      const routine = await getRoutineByName(handle.db, "invoices");
      expect(routine).toMatchObject({ channel: "memory", chatId: "chat-1", timezone: "Europe/Berlin" });
      expect(routine?.nextRunAt?.toISOString()).toBe("2026-11-23T08:00:00.000Z"); // 09:00 CET
      const toolResult = JSON.parse(sentMessages(h.llmServer.requests[1]).at(-1)?.content ?? "{}");
      expect(toolResult.next_runs).toContain("Mon");

      h.llmServer.enqueue({ text: "Time to review the invoices!" });
      clock.set("2026-11-23T08:00:00.010Z");
      await h.tick();
      await h.channel.waitFor(() => h.channel.texts().includes("Time to review the invoices!"));
      const [run] = await h.settledRuns("invoices", 1);
      expect(run?.status).toBe("attention");
    } finally {
      await h.close();
    }
  });

  test("list, update, run and delete; bad input names the field", async () => {
    const handle = await database();
    const clock = new Clock(new Date("2026-11-21T15:00:00Z"));
    const h = await startScheduledHost(handle, clock);
    try {
      const conversation = await getOrCreateConversation(handle.db, "memory", "chat-1");
      const tools = { get: (name: string) => h.host.runner.get(name) };
      const call = (name: string, params: Record<string, unknown>) =>
        (tools.get(name) as Tool).execute(
          params,
          createTestToolContext({
            conversationId: conversation.id,
            turnId: "00000000-0000-0000-0000-000000000000",
          }),
        );
      expect(tools.get("routine_create")?.approval).toBe("always");
      expect(tools.get("routine_update")?.approval).toBe("always");
      expect(tools.get("routine_delete")?.approval).toBe("unless-auto-approved");
      expect(tools.get("routine_run")?.approval).toBe("unless-auto-approved");
      expect(tools.get("routine_list")?.approval).toBe("never");

      const badMinute = await call("routine_create", { name: "x", schedule: "61 * * * *", prompt: "Hi." });
      expect(badMinute.isError).toBe(true);
      expect(badMinute.content).toStartWith("Invalid schedule:");
      expect(badMinute.content).toContain("minute");
      const badZone = await call("routine_create", {
        name: "x",
        schedule: "0 9 * * *",
        timezone: "Atlantis/Capital",
        prompt: "Hi.",
      });
      expect(badZone.content).toStartWith("Invalid timezone:");
      const reserved = await call("routine_create", {
        name: "heartbeat",
        schedule: "0 9 * * *",
        prompt: "Hi.",
      });
      expect(reserved.content).toStartWith("Invalid name:");

      expect(
        (await call("routine_create", { name: "water", schedule: "0 * * * *", prompt: "Drink." })).isError,
      ).toBe(undefined);
      const duplicate = await call("routine_create", {
        name: "water",
        schedule: "0 * * * *",
        prompt: "Drink.",
      });
      expect(duplicate.content).toContain("already exists");

      const listed = JSON.parse((await call("routine_list", {})).content);
      expect(listed.routines.map((r: { name: string }) => r.name)).toEqual(["water"]);

      const updated = await call("routine_update", { name: "water", schedule: "30 * * * *", enabled: false });
      expect(JSON.parse(updated.content).updated).toMatchObject({
        schedule: "30 * * * *",
        enabled: false,
        next_run: null,
      });
      const badUpdate = await call("routine_update", { name: "water", schedule: "* *" });
      expect(badUpdate.content).toStartWith("Invalid schedule:");
      const reenabled = JSON.parse((await call("routine_update", { name: "water", enabled: true })).content);
      expect(reenabled.updated.next_run).toBe("2026-11-21T15:30:00.000Z");

      h.llmServer.enqueue({ text: "Drink a glass of water." });
      const queued = JSON.parse((await call("routine_run", { name: "water" })).content);
      expect(queued.queued).toBe("water");
      await h.tick();
      await h.channel.waitFor(() => h.channel.texts().includes("Drink a glass of water."));
      expect((await h.settledRuns("water", 1))[0]?.trigger).toBe("manual");

      expect((await call("routine_run", { name: "nope" })).content).toContain('no routine named "nope"');
      expect(JSON.parse((await call("routine_delete", { name: "water" })).content).deleted).toBe("water");
      expect(await getRoutineByName(handle.db, "water")).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});
