/**
 * Lean by default: with many tools installed the model is offered the core tools plus
 * `tool_search`; the installed tools a search returns are offered for the rest of that turn
 * (also after a pause for approval), and the next turn starts lean again. With only a handful
 * of tools, every definition is sent and there is no `tool_search`.
 */
import { afterEach, expect, test } from "bun:test";
import type { Tool } from "../../src/plugin/tool.ts";
import { matchTools } from "../../tools/tool-search/index.ts";
import type { RecordedRequest } from "../fakes/llm/scripted-server.ts";
import { forEachBackend } from "../support/db.ts";
import { startHostHarness } from "../support/host.ts";
import { sentMessages } from "../support/llm-requests.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
});

function installedTool(name: string, description: string): Tool {
  return {
    name,
    description,
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    risk: "read",
    approval: "never",
    execute: async (params) => ({ content: `${name} for ${String(params.city)}: sunny` }),
  };
}

const dummies = Array.from({ length: 20 }, (_, index) =>
  installedTool(`dummy_${index}`, `Dummy tool ${index} of a benchmark.`),
);
const weather = installedTool("weather_lookup", "Current weather for a city.");

function offeredNames(request: RecordedRequest | undefined): string[] {
  const tools = (request?.body.tools ?? []) as { function: { name: string } }[];
  return tools.map((tool) => tool.function.name);
}

forEachBackend("tool search", ({ database }) => {
  test("many installed tools: core tools + tool_search; found tools are offered for the rest of the turn", async () => {
    const harness = await startHostHarness(await database(), {
      overrides: { installedTools: [...dummies, weather] },
    });
    open.push(harness);
    const { llmServer, channel, host } = harness;
    llmServer.enqueue(
      { toolCalls: [{ id: "call_1", name: "tool_search", arguments: '{"query":"weather city"}' }] },
      { toolCalls: [{ id: "call_2", name: "weather_lookup", arguments: '{"city":"Oslo"}' }] },
      { text: "Sunny in Oslo." },
      { text: "You're welcome." },
    );
    await channel.deliver("weather in Oslo?");
    await host.queue.drain();
    await channel.deliver("thanks");
    await host.queue.drain();
    expect(channel.texts()).toEqual(["Sunny in Oslo.", "You're welcome."]);

    const [searching, found, answering, nextTurn] = llmServer.requests;
    expect(offeredNames(searching)).toContain("tool_search");
    expect(
      offeredNames(searching).some((name) => name.startsWith("dummy_") || name === "weather_lookup"),
    ).toBe(false);
    const searchResult = sentMessages(found).find((message) => message.role === "tool");
    expect(JSON.parse(searchResult?.content ?? "{}").tools[0]).toMatchObject({
      name: "weather_lookup",
      description: "Current weather for a city.",
    });
    expect(offeredNames(found)).toEqual([...offeredNames(searching), "weather_lookup"]);
    expect(offeredNames(answering)).toEqual(offeredNames(found));
    expect(sentMessages(answering).at(-1)?.content).toBe("weather_lookup for Oslo: sunny");
    // The next turn starts lean again, with the same definitions as the first call of the last one.
    expect(JSON.stringify(nextTurn?.body.tools)).toBe(JSON.stringify(searching?.body.tools));
  });

  test("rarely used built-in tools (offer: on-search) wait behind tool_search too, and are found by it", async () => {
    const harness = await startHostHarness(await database(), { overrides: { installedTools: dummies } });
    open.push(harness);
    const { llmServer, channel, host } = harness;
    llmServer.enqueue(
      { toolCalls: [{ id: "call_1", name: "tool_search", arguments: '{"query":"create routine"}' }] },
      { text: "I can create routines." },
    );
    await channel.deliver("can you set up a daily routine?");
    await host.queue.drain();
    const [searching, found] = llmServer.requests;
    // Core built-ins are always sent; routine_create (on-search) is not, until a search finds it.
    expect(offeredNames(searching)).toContain("routine_list");
    expect(offeredNames(searching)).not.toContain("routine_create");
    const searchResult = sentMessages(found).find((message) => message.role === "tool");
    expect(
      JSON.parse(searchResult?.content ?? "{}").tools.map((tool: { name: string }) => tool.name),
    ).toContain("routine_create");
    expect(offeredNames(found)).toContain("routine_create");
  });

  test("a handful of installed tools are sent directly, beside the core tools", async () => {
    const harness = await startHostHarness(await database(), { overrides: { installedTools: [weather] } });
    open.push(harness);
    harness.llmServer.enqueue({ text: "ok" });
    await harness.channel.deliver("hi");
    await harness.host.queue.drain();
    const names = offeredNames(harness.llmServer.requests[0]);
    expect(names).toContain("weather_lookup");
    // The host's rarely used tools (offer: "on-search") still wait behind tool_search.
    expect(names).toContain("tool_search");
    expect(names).not.toContain("skill_install");
  });
});

test("the search ranks tools by how many of the words they match, and finds none for unrelated words", () => {
  const catalog = [weather, installedTool("calendar_add", "Add an event to the calendar."), ...dummies];
  expect(matchTools(catalog, "add calendar event").map((tool) => tool.name)).toEqual(["calendar_add"]);
  expect(matchTools(catalog, "weather")[0]?.name).toBe("weather_lookup");
  expect(matchTools(catalog, "quantum")).toEqual([]);
});
