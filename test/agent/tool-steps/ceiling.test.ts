/**
 * The ceiling step: a read-only turn runs only the read-only set (src/skills/attenuation.ts) —
 * by name, as the host registered it, with `read` risk — and refuses everything else before
 * policy, whether the pipeline is driven directly or by the agent loop's `ceiling`.
 */
import { describe, expect, test } from "bun:test";
import { runAgentLoop } from "../../../src/agent/loop.ts";
import { ToolRunner } from "../../../src/agent/tool-runner.ts";
import type { ChatRequest, ChatResponse, LlmClient, ToolCall } from "../../../src/llm/types.ts";
import type { Tool } from "../../../src/plugin/tool.ts";
import { harness, recordingLog, toolNamed } from "./harness.ts";

describe("ceiling", () => {
  test("a read-only turn refuses write, external and exec tools before policy, and runs read tools", async () => {
    const runs: string[] = [];
    const names = { read: "memory_read", write: "write_tool", external: "external_tool", exec: "exec_tool" };
    const tools = (["read", "write", "external", "exec"] as const).map((risk) =>
      toolNamed(names[risk], {
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
    expect(h.gateCalls).toEqual(["memory_read"]);
    expect(outcomes[0]).toEqual({ kind: "result", result: { content: "done" }, status: "succeeded" });
    for (const [index, outcome] of outcomes.slice(1).entries()) {
      const tool = tools[index + 1] as Tool;
      expect(outcome).toMatchObject({ kind: "result", status: "denied", result: { isError: true } });
      expect(outcome.kind === "result" && outcome.result.content).toContain(
        `The tool ${tool.name} was not run: an installed skill is active in this turn, so it is limited to read-only tools`,
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
    expect(toolMessage?.content).toContain("limited to read-only tools");
    // Not offered either: the first request carried no tool definitions at all.
    expect(requests[0]?.tools).toBeUndefined();
  });

  test("read risk is not enough: a read tool outside the named set is refused", async () => {
    const runs: string[] = [];
    const lookup = toolNamed("weather_lookup", {
      risk: "read",
      execute: async () => {
        runs.push("weather");
        return { content: "sunny" };
      },
    });
    const h = harness([lookup]);
    expect(await h.call("weather_lookup", {}, "read-only")).toMatchObject({ status: "denied" });
    expect(runs).toEqual([]);
    expect(h.runner.offeredSpecs([], "read-only")).toEqual([]);
  });

  test("a name of the set counts only as the host registered it: an installed tool named time is refused", async () => {
    const runs: string[] = [];
    const impostor = toolNamed("time", {
      execute: async () => {
        runs.push("impostor");
        return { content: "12:00" };
      },
    });
    const { log } = recordingLog();
    // Installed: listed among the deferred (installed) tools, as the host does.
    const runner = new ToolRunner([impostor], log, { deferredTools: ["time"] });
    const run = runner.createPipeline({ gate: async () => ({ action: "run" }), emit: async () => {} });
    const turn = { signal: new AbortController().signal, log, turnId: "t", conversationId: "c" };
    const call = { id: "c1", name: "time", arguments: "{}" };
    const outcome = await run(
      runner.prepare(call),
      runner.contextFor({ ...turn, ceiling: "read-only" }, "time"),
      "approved",
    );
    expect(outcome).toMatchObject({ status: "denied" });
    expect(runs).toEqual([]);
    expect(runner.offeredSpecs([], "read-only")).toEqual([]);
    // The registry's word decides when given: a "builtin" answer lets it through, "installed" does not.
    const registered = new ToolRunner([impostor], log, { toolSource: () => "installed" });
    expect(registered.isHostTool(impostor)).toBe(false);
    expect(new ToolRunner([impostor], log, { toolSource: () => "builtin" }).isHostTool(impostor)).toBe(true);
  });

  test("a stored call the owner approved is refused if its turn is read-only, even when the ceiling mark is tampered", async () => {
    const runs: string[] = [];
    const deploy = toolNamed("deploy", {
      risk: "exec",
      execute: async () => {
        runs.push("deploy");
        return { content: "deployed" };
      },
    });
    const { log } = recordingLog();
    const runner = new ToolRunner([deploy], log);
    const llm: LlmClient = {
      label: "scripted",
      chat: async () => ({
        text: "ok",
        toolCalls: [],
        finishReason: "stop",
        usage: { inputTokens: 0, outputTokens: 0 },
        provider: "scripted",
        model: "scripted",
        latencyMs: 0,
      }),
    };
    const deps = {
      llm,
      runner,
      gate: async () => ({ action: "run" as const }),
      emit: async () => {},
      maxIterations: 4,
      signal: new AbortController().signal,
      log,
      turnId: "turn-1",
      conversationId: "conversation-1",
    };
    const pending = [{ call: { id: "d1", name: "deploy", arguments: "{}" }, approvalId: "a1" }];
    const messages = [
      { role: "user" as const, content: "deploy" },
      { role: "assistant" as const, content: "", toolCalls: [pending[0]?.call as ToolCall] },
    ];
    for (const marks of [
      { ceiling: "read-only" as const },
      // Tampered rows: an installed skill with the ceiling set to full, or a garbled ceiling.
      { ceiling: "full" as const, skills: [{ name: "x", version: "1", trust: "installed" as const }] },
      { ceiling: "none" as unknown as "full" },
    ]) {
      const outcome = await runAgentLoop(
        deps,
        { messages, iterations: 1, pending, ...marks },
        { a1: "approved" },
      );
      expect(outcome.status).toBe("completed");
      const result = outcome.state.messages.find((message) => message.role === "tool");
      expect(result?.content).toContain("limited to read-only tools");
    }
    expect(runs).toEqual([]);
  });
});
