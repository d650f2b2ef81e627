/**
 * The ceiling step: a read-only turn runs only `read` tools and refuses the others before
 * policy, whether the pipeline is driven directly or by the agent loop's `ceiling`.
 */
import { describe, expect, test } from "bun:test";
import { runAgentLoop } from "../../../src/agent/loop.ts";
import { ToolRunner } from "../../../src/agent/tool-runner.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "../../../src/llm/types.ts";
import type { Tool } from "../../../src/plugin/tool.ts";
import { harness, recordingLog, toolNamed } from "./harness.ts";

describe("ceiling", () => {
  test("a read-only turn refuses write, external and exec tools before policy, and runs read tools", async () => {
    const runs: string[] = [];
    const tools = (["read", "write", "external", "exec"] as const).map((risk) =>
      toolNamed(`${risk}_tool`, {
        risk,
        execute: async () => {
          runs.push(risk);
          return { content: "done" };
        },
      }),
    );
    const h = harness(tools);
    const outcomes = await Promise.all(tools.map((tool) => h.call(tool.name, {}, "read-only")));
    expect(runs).toEqual(["read"]);
    expect(h.gateCalls).toEqual(["read_tool"]);
    expect(outcomes[0]).toEqual({ kind: "result", result: { content: "done" }, status: "succeeded" });
    for (const [index, outcome] of outcomes.slice(1).entries()) {
      const tool = tools[index + 1] as Tool;
      expect(outcome).toMatchObject({ kind: "result", status: "denied", result: { isError: true } });
      expect(outcome.kind === "result" && outcome.result.content).toContain(
        `The tool ${tool.name} was not run: this turn is limited to read-only tools`,
      );
    }
    expect(await h.call("write_tool")).toMatchObject({ status: "succeeded" });
  });

  test("the loop hands its ceiling to the pipeline: a read-only turn cannot run a write tool", async () => {
    const runs: string[] = [];
    const writer = toolNamed("deploy", {
      risk: "write",
      execute: async () => {
        runs.push("deploy");
        return { content: "deployed" };
      },
    });
    const { log } = recordingLog();
    const runner = new ToolRunner([writer], log);
    const requests: ChatRequest[] = [];
    const replies: Partial<ChatResponse>[] = [
      { toolCalls: [{ id: "d1", name: "deploy", arguments: "{}" }] },
      { text: "I could not deploy." },
    ];
    const llm: LlmClient = {
      label: "scripted",
      async chat(request) {
        requests.push(structuredClone({ ...request, signal: undefined, onTextDelta: undefined }));
        const reply = replies.shift() ?? { text: "?" };
        return {
          text: "",
          toolCalls: [],
          finishReason: "stop",
          usage: { inputTokens: 0, outputTokens: 0 },
          provider: "scripted",
          model: "scripted",
          latencyMs: 0,
          ...reply,
        };
      },
    };
    const outcome = await runAgentLoop(
      {
        llm,
        runner,
        gate: async () => ({ action: "run" }),
        emit: async () => {},
        maxIterations: 4,
        signal: new AbortController().signal,
        log,
        turnId: "turn-1",
        conversationId: "conversation-1",
        ceiling: "read-only",
      },
      { messages: [{ role: "user", content: "deploy it" }], iterations: 0 },
    );
    expect(outcome.status).toBe("completed");
    expect(runs).toEqual([]);
    const toolMessage = requests[1]?.messages.find((message) => message.role === "tool");
    expect(toolMessage?.content).toContain("this turn is limited to read-only tools");
  });
});
