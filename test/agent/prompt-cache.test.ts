/**
 * A prompt the provider can cache: from one turn to the next in a conversation, everything the
 * previous turn sent is sent again byte for byte (system prompt, tool definitions, the messages so
 * far), the time rides in the user messages at minute resolution, OpenAI requests carry one
 * `prompt_cache_key` per conversation and Anthropic requests carry `cache_control` breakpoints.
 * Proved on the raw bodies the fake APIs received from the real SDKs.
 */
import { afterEach, expect, test } from "bun:test";
import { createTimeTool } from "../../tools/time/index.ts";
import type { RecordedRequest } from "../fakes/llm/scripted-server.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentTimeStamp } from "../support/llm-requests.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

/** How many leading bytes two request bodies share. */
function sharedPrefixLength(left: string, right: string): number {
  let index = 0;
  while (index < left.length && index < right.length && left[index] === right[index]) index++;
  return index;
}

type Block = Record<string, unknown>;
type WireMessage = { role: string; content: string | Block[] };

/** A message as it would be without its cache breakpoint (Anthropic moves it to the newest block). */
function withoutBreakpoint(message: WireMessage): WireMessage {
  if (!Array.isArray(message.content)) return message;
  return {
    ...message,
    content: message.content.map(({ cache_control: _breakpoint, ...block }) => block),
  };
}

async function twoTurns(database: Parameters<typeof startHostHarness>[0], provider: "openai" | "anthropic") {
  const harness = await startHostHarness(database, { provider, tools: [createTimeTool()] });
  open.push(harness);
  harness.llmServer.enqueue({ text: "pong" }, { text: "still here" });
  await harness.channel.deliver("ping");
  await harness.host.queue.drain();
  await harness.channel.deliver("are you there?");
  await harness.host.queue.drain();
  expect(harness.channel.texts()).toEqual(["pong", "still here"]);
  const [first, second] = harness.llmServer.requests as [RecordedRequest, RecordedRequest];
  return { first, second };
}

forEachBackend("prompt caching", ({ database }) => {
  test("OpenAI: the second turn repeats the first turn's request byte for byte, same cache key", async () => {
    const { first, second } = await twoTurns(await database(), "openai");
    const firstMessages = first.body.messages as WireMessage[];
    const secondMessages = second.body.messages as WireMessage[];
    // Everything up to the end of the first turn's messages is a shared prefix of the raw bodies.
    const lastOfFirst = JSON.stringify(firstMessages.at(-1));
    const endOfFirstMessages = first.rawBody.indexOf(lastOfFirst) + lastOfFirst.length;
    expect(sharedPrefixLength(first.rawBody, second.rawBody)).toBeGreaterThanOrEqual(endOfFirstMessages);
    expect(JSON.stringify(secondMessages.slice(0, firstMessages.length))).toBe(JSON.stringify(firstMessages));
    expect(JSON.stringify(second.body.tools)).toBe(JSON.stringify(first.body.tools));

    expect(typeof first.body.prompt_cache_key).toBe("string");
    expect(first.body.prompt_cache_key).not.toBe("");
    expect(second.body.prompt_cache_key).toBe(first.body.prompt_cache_key);

    const system = firstMessages[0]?.content as string;
    expect(system).not.toContain("Current time");
    expect(system).not.toMatch(/\d{2}:\d{2}/);
    const newest = secondMessages.at(-1)?.content as string;
    expect(newest).toMatch(sentTimeStamp);
    expect(newest.replace(sentTimeStamp, "")).toBe("are you there?");
  });

  test("two conversations get different cache keys", async () => {
    const harness = await startHostHarness(await database());
    open.push(harness);
    harness.llmServer.enqueue({ text: "one" }, { text: "two" });
    await harness.channel.deliver("hello", { chatId: "chat-a" });
    await harness.channel.deliver("hello", { chatId: "chat-b" });
    await harness.host.queue.drain();
    const keys = harness.llmServer.requests.map((request) => request.body.prompt_cache_key);
    expect(new Set(keys).size).toBe(2);
  });

  test("Anthropic: breakpoints on tools + system and on the conversation so far; the prefix repeats", async () => {
    const { first, second } = await twoTurns(await database(), "anthropic");
    for (const request of [first, second]) {
      const system = request.body.system as Block[];
      expect(system).toHaveLength(1);
      expect(system[0]?.cache_control).toEqual({ type: "ephemeral" });
      const lastMessage = (request.body.messages as WireMessage[]).at(-1) as WireMessage;
      expect((lastMessage.content as Block[]).at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    }
    expect(JSON.stringify(second.body.system)).toBe(JSON.stringify(first.body.system));
    expect(JSON.stringify(second.body.tools)).toBe(JSON.stringify(first.body.tools));
    const firstMessages = (first.body.messages as WireMessage[]).map(withoutBreakpoint);
    const secondMessages = (second.body.messages as WireMessage[]).map(withoutBreakpoint);
    expect(JSON.stringify(secondMessages.slice(0, firstMessages.length))).toBe(JSON.stringify(firstMessages));
    // The raw bodies agree byte for byte up to where the first turn's breakpoint sat.
    const breakpointAt = first.rawBody.indexOf('"cache_control"', first.rawBody.indexOf('"messages"'));
    expect(sharedPrefixLength(first.rawBody, second.rawBody)).toBeGreaterThanOrEqual(breakpointAt - 1);
  });
});
