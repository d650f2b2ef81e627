/**
 * U+0000 (and lone surrogates) from a channel, in a model reply or in tool arguments and results
 * never fail a turn: PostgreSQL refuses them, so they are cleaned where they are stored, the turn
 * completes and the owner gets the answer, never a database error.
 */
import { afterEach, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client.ts";
import { messages, toolCalls, turns } from "../../src/db/schema/index.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";
import { createUpperTool } from "./tools-fixtures.ts";

const nul = "\u0000";
type Harness = Awaited<ReturnType<typeof startHostHarness>>;
const open: Harness[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

async function start(handle: DatabaseHandle) {
  const harness = await startHostHarness(handle, { tools: [createUpperTool()] });
  open.push(harness);
  return harness;
}

async function turnStatuses(handle: DatabaseHandle): Promise<string[]> {
  return (await handle.db.select().from(turns).orderBy(turns.startedAt)).map((turn) => turn.status);
}

forEachBackend("text PostgreSQL refuses", ({ database }) => {
  test("a message with NUL and a lone surrogate from a channel is answered", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await start(handle);
    llmServer.enqueue({ text: "got it" });
    await channel.deliver(`hello${nul}there \ud800!`, { messageId: `in${nul}1` });
    await host.queue.drain();
    expect(channel.texts()).toEqual(["got it"]);
    expect(sentMessages(llmServer.requests[0]).at(-1)?.content).toBe("hello\uFFFDthere \uFFFD!");
    expect(await turnStatuses(handle)).toEqual(["completed"]);
  });

  test("a model reply containing NUL reaches the owner and the turn completes", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await start(handle);
    llmServer.enqueue({ text: `an answer${nul}with a NUL` }, { text: "second" });
    await channel.deliver("hi");
    await host.queue.drain();
    expect(channel.texts()).toEqual([`an answer${nul}with a NUL`]);
    expect(await turnStatuses(handle)).toEqual(["completed"]);
    const stored = await handle.db.select().from(messages).where(eq(messages.direction, "outbound"));
    expect(stored.map((row) => row.content)).toEqual(["an answer\uFFFDwith a NUL"]);
    // The next turn's history carries the stored (clean) reply.
    await channel.deliver("more");
    await host.queue.drain();
    expect(sentMessages(llmServer.requests[1]).map((message) => message.content)).toContain(
      "an answer\uFFFDwith a NUL",
    );
  });

  test("tool arguments and results containing NUL do not fail the turn", async () => {
    const handle = await database();
    const { channel, llmServer, host } = await start(handle);
    llmServer.enqueue(
      {
        toolCalls: [
          // An escaped NUL: valid JSON whose value holds U+0000 (the tool's result has it too).
          { id: "c1", name: "upper", arguments: '{"text":"a\\u0000b"}' },
          // A raw NUL inside the JSON text: invalid arguments, an error result for the model.
          { id: "c2", name: "upper", arguments: `{"text":"c${nul}d"}` },
        ],
      },
      { text: "done with the tools" },
    );
    await channel.deliver("shout");
    await host.queue.drain();
    expect(channel.texts()).toEqual(["done with the tools"]);
    expect(await turnStatuses(handle)).toEqual(["completed"]);
    const toolResults = sentMessages(llmServer.requests[1]).filter((message) => message.role === "tool");
    expect(toolResults[0]?.content).toBe(`A${nul}B`);
    const calls = await handle.db.select().from(toolCalls).orderBy(toolCalls.callId);
    expect(calls.map((call) => [call.callId, call.status, call.result])).toEqual([
      ["c1", "succeeded", "A\uFFFDB"],
      ["c2", "failed", expect.any(String)],
    ]);
    expect(calls[1]?.arguments).toBe('{"text":"c\uFFFDd"}');
  });
});
