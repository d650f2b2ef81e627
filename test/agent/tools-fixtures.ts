/** Small tools for agent tests, implementing the real Tool contract. */
import type { Tool } from "../../src/plugin/tool.ts";

export function createUpperTool(): Tool {
  return {
    name: "upper",
    description: "Upper-cases text",
    risk: "read",
    approval: "never",
    parameters: {
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
      additionalProperties: false,
    },
    execute: async (params) => ({ content: String(params.text).toUpperCase() }),
  };
}

/** A tool that waits until the test releases it, recording how many run at once. */
export function createGateTool() {
  let active = 0;
  let releaseAll: () => void = () => {};
  let released = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  const state = { maxConcurrent: 0, started: 0 };
  const tool: Tool = {
    name: "wait",
    description: "Waits",
    risk: "read",
    approval: "never",
    parameters: { type: "object", properties: { label: { type: "string" } }, additionalProperties: false },
    execute: async (params, context) => {
      active++;
      state.started++;
      state.maxConcurrent = Math.max(state.maxConcurrent, active);
      await Promise.race([
        released,
        new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true })),
      ]);
      active--;
      return { content: `done ${String(params.label ?? "")}` };
    },
  };
  return {
    tool,
    state,
    release: () => {
      releaseAll();
      released = new Promise<void>((resolve) => {
        releaseAll = resolve;
      });
    },
  };
}

/** A tool that needs approval ("deploy"); `runs` records each target it was really run for. */
export function createRiskyTool(runs: string[] = []): Tool {
  return {
    name: "deploy",
    description: "Deploys",
    risk: "exec",
    approval: "unless-auto-approved",
    parameters: { type: "object", properties: { target: { type: "string" } }, required: ["target"] },
    execute: async (params) => {
      runs.push(String(params.target));
      return { content: `deployed ${String(params.target)}` };
    },
  };
}
