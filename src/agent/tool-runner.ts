/**
 * Runs the model's tool calls: finds the tool, parses and validates the JSON arguments against
 * its schema, and executes it. Every failure — unknown tool, bad JSON, schema violation, a throw
 * inside the tool — becomes an error *result* the model can read and react to, never a crash.
 */
import { Ajv, type ValidateFunction } from "ajv";
import type { ToolCall, ToolSpec } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { Tool, ToolContext, ToolResult } from "../plugin/tool.ts";

export interface PreparedCall {
  call: ToolCall;
  tool?: Tool;
  params?: Record<string, unknown>;
  /** Set when the call cannot run at all (unknown tool, invalid arguments). */
  error?: string;
}

export class ToolRunner {
  readonly #tools = new Map<string, Tool>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv({ allErrors: true, strict: false });

  constructor(
    tools: readonly Tool[],
    private readonly log: Logger,
  ) {
    for (const tool of tools) {
      if (this.#tools.has(tool.name)) throw new Error(`duplicate tool name "${tool.name}"`);
      this.#tools.set(tool.name, tool);
      this.#validators.set(tool.name, this.#ajv.compile(tool.parameters));
    }
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  specs(): ToolSpec[] {
    return [...this.#tools.values()].map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
    }));
  }

  prepare(call: ToolCall): PreparedCall {
    const tool = this.#tools.get(call.name);
    if (!tool) {
      const known = [...this.#tools.keys()].join(", ");
      return { call, error: `Unknown tool "${call.name}". Available tools: ${known || "none"}.` };
    }
    let params: unknown;
    try {
      params = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return {
        call,
        tool,
        error: `Arguments for ${call.name} are not valid JSON: ${(error as Error).message}`,
      };
    }
    if (params === null || typeof params !== "object" || Array.isArray(params)) {
      return { call, tool, error: `Arguments for ${call.name} must be a JSON object.` };
    }
    const validate = this.#validators.get(call.name) as ValidateFunction;
    if (!validate(params)) {
      const problems = (validate.errors ?? [])
        .map((issue) => `${issue.instancePath || "(root)"} ${issue.message ?? "is invalid"}`)
        .join("; ");
      return { call, tool, error: `Invalid arguments for ${call.name}: ${problems}` };
    }
    return { call, tool, params: params as Record<string, unknown> };
  }

  async execute(prepared: PreparedCall, context: ToolContext): Promise<ToolResult> {
    if (prepared.error || !prepared.tool || !prepared.params) {
      return { content: prepared.error ?? "The tool call could not be prepared.", isError: true };
    }
    const started = performance.now();
    try {
      const result = await prepared.tool.execute(prepared.params, context);
      this.log.debug("tool finished", {
        tool: prepared.tool.name,
        isError: result.isError === true,
        latencyMs: Math.round(performance.now() - started),
      });
      return result;
    } catch (error) {
      this.log.warn("tool threw", { tool: prepared.tool.name, error });
      const message = error instanceof Error ? error.message : String(error);
      return { content: `The tool ${prepared.tool.name} failed: ${message}`, isError: true };
    }
  }
}
