/**
 * Which definitions a turn is sent: a few installed tools go out with the core ones, many wait
 * behind `tool_search` with the host's rarely used tools, and a tool a search found joins the
 * list after the core ones (so what was sent before stays a prefix).
 */
import { expect, test } from "bun:test";
import { createToolOffer, installedDirectLimit, toolSearchName } from "../../src/agent/tool-offer.ts";
import type { ChatMessage, ToolSpec } from "../../src/llm/types.ts";

const spec = (name: string): ToolSpec => ({
  name,
  description: `${name} tool`,
  parameters: { type: "object", properties: {} },
});
const core = ["echo", "time", "http_request", "memory_search", "memory_write", toolSearchName].map(spec);
const onSearch = ["json", "routine_run", "skill_install", "skill_remove", "job_run", "job_logs"].map(spec);
const installed = (count: number) => Array.from({ length: count }, (_, index) => spec(`tool_${index}`));
const names = (specs: readonly ToolSpec[]) => specs.map((entry) => entry.name);

function offerWith(installedSpecs: readonly ToolSpec[]) {
  const installedNames = new Set(names(installedSpecs));
  const deferred = new Set([...names(onSearch), ...installedNames]);
  return createToolOffer([...core, ...onSearch, ...installedSpecs], deferred, installedNames);
}

test("a handful of installed tools are sent with the core tools; the on-search ones wait", () => {
  const offered = names(offerWith(installed(installedDirectLimit)).offered([]));
  expect(offered).toEqual([...names(core), ...names(installed(installedDirectLimit))]);
  expect(offered).not.toContain("skill_install");
});

test("beyond the handful every installed tool waits behind tool_search", () => {
  const offered = names(offerWith(installed(installedDirectLimit + 1)).offered([]));
  expect(offered).toEqual(names(core));
});

test("a tool a search of this turn returned is added after the core tools", () => {
  const offer = offerWith(installed(30));
  const messages: ChatMessage[] = [
    { role: "user", content: "convert 3 miles" },
    {
      role: "tool",
      name: toolSearchName,
      toolCallId: "s1",
      content: JSON.stringify({ tools: [{ name: "tool_7" }, { name: "not_registered" }] }),
    },
  ];
  expect(names(offer.offered(messages))).toEqual([...names(core), "tool_7"]);
});
