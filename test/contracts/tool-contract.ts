/**
 * One contract every tool passes, from a small descriptor (Chat SDK / drizzle style): the same
 * guarantees proved for each tool through the host's real path (ToolRunner → tool pipeline),
 * instead of each tool's suite re-testing them. A new tool adds a descriptor to tools.test.ts.
 *
 * Proved for every tool: a well-formed declaration; a valid call gives a result for the model;
 * invalid parameters give an error result, never a throw; a cancelled turn settles the call
 * with a result (and a tool with a blocking call honours the signal itself); the model never
 * receives more than the output cap; and when the tool throws or hangs the host contains it
 * with a clear result, logged with the tool's registered name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { ToolRunner } from "../../src/agent/tool-runner.ts";
import { createLogger } from "../../src/log.ts";
import { createToolPorts, type ToolPorts } from "../../src/plugin/ports/index.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";

export interface ToolContractSetup {
  tool: Tool;
  /** Arguments the tool accepts and answers without an error. */
  validCall: Record<string, unknown>;
  /** Arguments its schema refuses (wrong type, missing required, unknown property). */
  invalidCalls: Record<string, unknown>[];
  /** A call that blocks until its signal aborts (e.g. a request to a server that never answers). */
  blockingCall?: Record<string, unknown>;
  /** Ports with fakes at the network edge; default: public HTTP only, no workspace. */
  ports?: ToolPorts;
  conversationId?: string;
  /** Runs before each contract test (restore the state a valid call needs). */
  reset?: () => Promise<void>;
  close?: () => Promise<void>;
}

export interface ToolContractDescriptor {
  /** The name the tool is registered under. */
  name: string;
  setup: () => ToolContractSetup | Promise<ToolContractSetup>;
}

const hang = () => new Promise<never>(() => {});

function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

export function runToolContract(descriptor: ToolContractDescriptor): void {
  describe(`tool contract: ${descriptor.name}`, () => {
    let setup: ToolContractSetup;
    beforeAll(async () => {
      setup = await descriptor.setup();
    });
    beforeEach(async () => {
      await setup.reset?.();
    });
    afterAll(async () => {
      await setup?.close?.();
    });

    async function call(
      tool: Tool,
      params: Record<string, unknown>,
      options: { maxOutputChars?: number; abort?: "before" | "during" } = {},
    ): Promise<{ result: ToolResult; lines: Record<string, unknown>[] }> {
      const { log, lines } = recordingLog();
      const runner = new ToolRunner([tool], log, {
        ports: setup.ports ?? createToolPorts(),
        maxOutputChars: options.maxOutputChars,
        stopGraceMs: 50,
      });
      const controller = new AbortController();
      if (options.abort === "before") controller.abort();
      const context = runner.contextFor(
        {
          signal: controller.signal,
          log,
          turnId: "00000000-0000-0000-0000-000000000001",
          conversationId: setup.conversationId ?? "00000000-0000-0000-0000-000000000002",
        },
        tool.name,
      );
      const prepared = runner.prepare({
        id: "contract-1",
        name: tool.name,
        arguments: JSON.stringify(params),
      });
      const running = runner.execute(prepared, context);
      if (options.abort === "during") setTimeout(() => controller.abort(), 20);
      return { result: await running, lines };
    }

    test("declares its registered name, a description, an object schema, a risk and a tier", () => {
      const { tool } = setup;
      expect(tool.name).toBe(descriptor.name);
      expect(tool.name).toMatch(/^[a-z][a-z0-9_-]{0,63}$/);
      expect(tool.description.length).toBeGreaterThan(0);
      expect(tool.parameters.type).toBe("object");
      expect(["read", "write", "external", "exec"]).toContain(tool.risk);
      expect(["never", "unless-auto-approved", "always"]).toContain(tool.approval);
    });

    test("a valid call returns a result for the model", async () => {
      const { result } = await call(setup.tool, setup.validCall);
      expect(result.isError).toBeFalsy();
      expect(typeof result.content).toBe("string");
      expect(result.content.length).toBeGreaterThan(0);
    });

    test("invalid parameters are an error result naming the tool, never a throw", async () => {
      expect(setup.invalidCalls.length).toBeGreaterThan(0);
      for (const params of setup.invalidCalls) {
        const { result } = await call(setup.tool, params);
        expect({ params, isError: result.isError }).toEqual({ params, isError: true });
        expect(result.content).toContain(`Invalid arguments for ${descriptor.name}`);
      }
    });

    test("a cancelled turn settles the call with a result", async () => {
      const before = await call(setup.tool, setup.validCall, { abort: "before" });
      expect(before.result).toEqual({
        content: `The tool ${descriptor.name} was not run: the turn was cancelled.`,
        isError: true,
      });
      const during = await call(setup.tool, setup.blockingCall ?? setup.validCall, { abort: "during" });
      expect(typeof during.result.content).toBe("string");
      if (setup.blockingCall) {
        // The tool honoured the signal itself: the host did not have to give up on it.
        expect(during.result.isError).toBe(true);
        expect(during.result.content).not.toContain("before it finished");
        expect(during.lines.some((line) => line.msg === "tool ignored cancellation")).toBe(false);
      }
    });

    test("the model never receives more than the output cap", async () => {
      const { result } = await call(setup.tool, setup.validCall, { maxOutputChars: 120 });
      expect(result.content.length).toBeLessThanOrEqual(120);
    });

    test("a tool that throws or hangs is contained, with a clear result logged under its name", async () => {
      const throwing: Tool = {
        ...setup.tool,
        execute: async () => {
          throw new Error("plugin exploded");
        },
      };
      const thrown = await call(throwing, setup.validCall);
      expect(thrown.result).toEqual({
        content: `The tool ${descriptor.name} failed: plugin exploded`,
        isError: true,
      });
      expect(thrown.lines.find((line) => line.msg === "tool threw")).toMatchObject({ tool: descriptor.name });

      const hanging: Tool = { ...setup.tool, timeoutMs: 30, execute: hang };
      const hung = await call(hanging, setup.validCall);
      expect(hung.result).toEqual({
        content: `The tool ${descriptor.name} did not finish within 30 ms and was stopped.`,
        isError: true,
      });
      expect(hung.lines.find((line) => line.msg === "tool timed out")).toMatchObject({
        tool: descriptor.name,
      });
    });
  });
}
