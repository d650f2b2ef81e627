/**
 * What the tool-step tests share: a runner with a small output cap and a short stop grace, its
 * pipeline with a recording gate and event list, and a logger whose lines the test can read.
 */
import type { AgentEvent } from "../../../src/agent/events.ts";
import { type PreparedCall, ToolRunner } from "../../../src/agent/tool-runner.ts";
import type { GateVerdict } from "../../../src/agent/tool-steps/approval.ts";
import { createLogger } from "../../../src/log.ts";
import type { Tool } from "../../../src/plugin/tool.ts";

export function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

export function toolNamed(name: string, extra: Partial<Tool> = {}): Tool {
  return {
    name,
    description: name,
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: { text: { type: "string" } }, additionalProperties: false },
    execute: async (params) => ({ content: `ran ${String(params.text ?? "")}` }),
    ...extra,
  };
}

export const hang = () => new Promise<never>(() => {});

export function harness(
  tools: Tool[],
  options: { gate?: (prepared: PreparedCall) => Promise<GateVerdict> } = {},
) {
  const { log, lines } = recordingLog();
  const events: AgentEvent[] = [];
  const gateCalls: string[] = [];
  const runner = new ToolRunner(tools, log, { maxOutputChars: 200, stopGraceMs: 10 });
  const gate =
    options.gate ??
    (async (prepared: PreparedCall): Promise<GateVerdict> => {
      gateCalls.push(prepared.call.name);
      return { action: "run" };
    });
  const run = runner.createPipeline({ gate, emit: async (event) => void events.push(event) });
  const controller = new AbortController();
  const turn = { signal: controller.signal, log, turnId: "turn-1", conversationId: "conversation-1" };
  async function call(name: string, args: Record<string, unknown> = {}, ceiling?: "read-only") {
    const prepared = runner.prepare({ id: `call-${name}`, name, arguments: JSON.stringify(args) });
    return run(prepared, runner.contextFor({ ...turn, ceiling }, name), "proposed");
  }
  return { runner, run, call, events, lines, gateCalls, controller, turn };
}
