/**
 * Runs the model's tool calls: finds the tool, parses and validates the JSON arguments against
 * its schema, and executes it. Every failure — unknown tool, bad JSON, schema violation, a throw
 * inside the tool — becomes an error *result* the model can read and react to, never a crash.
 * Whatever a tool returns, the model receives at most `maxOutputChars` of it: the ceiling is on
 * the final text, so a tool that forgets its own cap cannot flood the context.
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

/** Default ceiling on the text of one tool result (tools such as http_request cap below it). */
export const MAX_TOOL_OUTPUT_CHARS = 100_000;

export interface ToolRunnerOptions {
  maxOutputChars?: number;
}

export class ToolRunner {
  readonly #tools = new Map<string, Tool>();
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #maxOutputChars: number;

  constructor(
    tools: readonly Tool[],
    private readonly log: Logger,
    options: ToolRunnerOptions = {},
  ) {
    this.#maxOutputChars = options.maxOutputChars ?? MAX_TOOL_OUTPUT_CHARS;
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

  /** The tool's pre-approval check: a refusal for the model, or null when the owner may be asked. */
  async precheck(prepared: PreparedCall, context: ToolContext): Promise<string | null> {
    if (!prepared.tool?.precheck || !prepared.params) return null;
    try {
      return await prepared.tool.precheck(prepared.params, context);
    } catch (error) {
      if (context.signal.aborted) throw error;
      this.log.warn("tool precheck threw", { tool: prepared.tool.name, error });
      const message = error instanceof Error ? error.message : String(error);
      return `The tool ${prepared.tool.name} could not check this call: ${message}`;
    }
  }

  async execute(prepared: PreparedCall, context: ToolContext): Promise<ToolResult> {
    return capOutput(await this.#execute(prepared, context), this.#maxOutputChars);
  }

  async #execute(prepared: PreparedCall, context: ToolContext): Promise<ToolResult> {
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

/** Cuts `content` so that it, with the note saying so, is at most `maxChars` characters. */
export function capOutput(result: ToolResult, maxChars: number): ToolResult {
  const { content } = result;
  if (content.length <= maxChars) return result;
  const note = `\n[Output cut: the tool returned ${content.length} characters; only the first part is shown.]`;
  let keep = Math.max(0, maxChars - note.length);
  // Never leave half of a surrogate pair at the end.
  const last = content.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return { ...result, content: `${content.slice(0, keep)}${note}` };
}
