/**
 * The registered tools and what the host does with one call. `prepare` finds the tool, parses
 * and validates the JSON arguments against its schema; every failure — unknown tool, bad JSON,
 * schema violation — becomes an error *result* the model can read, never a crash. `contextFor`
 * builds the context a call receives: the host's ports (http, workspace, secrets, clock), the
 * turn's abort signal and ceiling, a logger carrying the tool's name. `createPipeline` runs a
 * call through the one tool pipeline (tool-pipeline.ts).
 *
 * A tool's argument validator is compiled on its first call, not at start-up: compiling every
 * schema (and ajv's meta-schema before the first) costs ~100 ms of start-up for tools a session
 * may never call; ajv itself (60-odd modules) is loaded then too, synchronously, since `prepare`
 * is. A schema ajv cannot compile makes that tool's calls error results.
 */
import type { Ajv, ValidateFunction } from "ajv";
import type { ChatMessage, ToolCall, ToolSpec } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import { createToolPorts, type ToolPorts } from "../plugin/ports/index.ts";
import type { ToolSource } from "../plugin/registry.ts";
import type { Tool, ToolCeiling, ToolContext, ToolResult } from "../plugin/tool.ts";
import { allowedUnderCeiling } from "../skills/attenuation.ts";
import { createToolOffer, modelFacing, type ToolOffer } from "./tool-offer.ts";
import { createToolPipeline, type RunToolCall } from "./tool-pipeline.ts";
import { type ApprovalGate, runPrecheck } from "./tool-steps/approval.ts";
import type { EmitEvent } from "./tool-steps/emit-result.ts";
import { MAX_TOOL_OUTPUT_CHARS } from "./tool-steps/output-cap.ts";
import type { ToolResultHook } from "./tool-steps/result-hooks.ts";

export { capOutput, MAX_TOOL_OUTPUT_CHARS } from "./tool-steps/output-cap.ts";

export interface PreparedCall {
  call: ToolCall;
  tool?: Tool;
  params?: Record<string, unknown>;
  /** Set when the call cannot run at all (unknown tool, invalid arguments). */
  error?: string;
}

export interface ToolRunnerOptions {
  /** Ceiling on the text of one result; default `MAX_TOOL_OUTPUT_CHARS`. */
  maxOutputChars?: number;
  /** The capabilities tools receive; default: public HTTP only, no workspace, no secrets. */
  ports?: ToolPorts;
  /** Inspect every result before the model sees it (the safety issue adds the leak scan). */
  resultHooks?: readonly ToolResultHook[];
  /** Per-call time limit for tools that declare none; default 60 s. */
  defaultTimeoutMs?: number;
  /** How long a tool may take to return after its signal aborts; default 1 s. */
  stopGraceMs?: number;
  /**
   * Installed tools, offered through `tool_search` once there are many tools (tool-offer.ts);
   * tools marked `offer: "on-search"` are deferred too.
   */
  deferredTools?: readonly string[];
  /**
   * How each tool was registered (the plugin registry's answer). Under a read-only ceiling only
   * built-in and host tools of the read-only set run (src/skills/attenuation.ts). Without it, the
   * tools given to the constructor and not listed in `deferredTools` count as the host's own.
   */
  toolSource?: (name: string) => ToolSource | undefined;
}

/** The turn a call belongs to. */
export interface ToolTurn {
  signal: AbortSignal;
  log: Logger;
  turnId: string;
  conversationId: string;
  /** Default `full`. */
  ceiling?: ToolCeiling;
}

/** ajv's constructor, loaded on first use (see the header). */
function loadAjv(): typeof Ajv {
  return (require("ajv") as typeof import("ajv")).Ajv;
}

const allowEverything: ApprovalGate = async () => ({ action: "run" });

export class ToolRunner {
  readonly #tools = new Map<string, Tool>();
  readonly #validators = new Map<string, ValidateFunction | string>();
  #ajv: Ajv | undefined;
  readonly #options: ToolRunnerOptions;
  readonly #ports: ToolPorts;
  #offer: ToolOffer;
  readonly #deferred: Set<string>;
  /** The installed ones among the deferred (offered directly while only a handful are installed). */
  readonly #installed: Set<string>;
  readonly #constructedHostTools = new WeakSet<Tool>();
  /** Appended to by the host; read on every call, so a hook added later applies from then on. */
  readonly resultHooks: ToolResultHook[];

  constructor(
    tools: readonly Tool[],
    private readonly log: Logger,
    options: ToolRunnerOptions = {},
  ) {
    this.#options = options;
    this.#ports = options.ports ?? createToolPorts();
    this.resultHooks = [...(options.resultHooks ?? [])];
    for (const tool of tools) {
      if (this.#tools.has(tool.name)) throw new Error(`duplicate tool name "${tool.name}"`);
      this.#tools.set(tool.name, tool);
      if (!options.deferredTools?.includes(tool.name)) this.#constructedHostTools.add(tool);
    }
    this.#deferred = new Set([
      ...(options.deferredTools ?? []),
      ...tools.filter((tool) => tool.offer === "on-search").map((tool) => tool.name),
    ]);
    this.#installed = new Set(options.deferredTools ?? []);
    this.#offer = this.#makeOffer();
  }

  #makeOffer(): ToolOffer {
    return createToolOffer(this.specs(), this.#deferred, this.#installed);
  }

  /**
   * Adds or replaces an installed tool while the host runs (src/host/installed-tools.ts): the next
   * LLM call offers it, and a call already past `prepare` keeps the tool it found.
   */
  putTool(tool: Tool, options: { deferred?: boolean } = {}): void {
    this.#tools.set(tool.name, tool);
    this.#validators.delete(tool.name);
    if (options.deferred) {
      this.#deferred.add(tool.name);
      this.#installed.add(tool.name);
    }
    this.#offer = this.#makeOffer();
  }

  /** Removes a tool (an installed one the owner removed or disabled); true when it was there. */
  removeTool(name: string): boolean {
    const removed = this.#tools.delete(name);
    this.#validators.delete(name);
    this.#deferred.delete(name);
    this.#installed.delete(name);
    if (removed) this.#offer = this.#makeOffer();
    return removed;
  }

  /** The definitions that wait behind `tool_search` (what it searches), as they are now. */
  deferredSpecs(): ToolSpec[] {
    return this.specs().filter((spec) => this.#deferred.has(spec.name));
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

  /**
   * The definitions to send on the next LLM call of the turn whose messages these are. Under a
   * read-only ceiling: only the read-only set, nothing deferred, no `tool_search`.
   */
  offeredSpecs(messages: readonly ChatMessage[], ceiling: ToolCeiling = "full"): ToolSpec[] {
    if (ceiling === "full") return this.#offer.offered(messages);
    return [...this.#tools.values()]
      .filter((tool) => allowedUnderCeiling(ceiling, tool, this.isHostTool(tool)))
      .map((tool) =>
        modelFacing({ name: tool.name, description: tool.description, parameters: tool.parameters }),
      );
  }

  /** Is `tool` the one registered under its name, as a built-in or host tool (not installed)? */
  isHostTool(tool: Tool): boolean {
    if (this.#tools.get(tool.name) !== tool) return false;
    const { toolSource } = this.#options;
    if (!toolSource) return this.#constructedHostTools.has(tool);
    const source = toolSource(tool.name);
    return source === "builtin" || source === "host";
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
    const validate = this.#validatorFor(tool);
    if (typeof validate === "string") return { call, tool, error: validate };
    if (!validate(params)) {
      const problems = (validate.errors ?? [])
        .map((issue) => `${issue.instancePath || "(root)"} ${issue.message ?? "is invalid"}`)
        .join("; ");
      return { call, tool, error: `Invalid arguments for ${call.name}: ${problems}` };
    }
    return { call, tool, params: params as Record<string, unknown> };
  }

  /** The compiled validator of `tool`'s parameters, or why its schema cannot be used. */
  #validatorFor(tool: Tool): ValidateFunction | string {
    let validator = this.#validators.get(tool.name);
    if (validator === undefined) {
      try {
        this.#ajv ??= new (loadAjv())({ allErrors: true, strict: false });
        validator = this.#ajv.compile(tool.parameters);
      } catch (error) {
        this.log.error("tool parameter schema does not compile", { tool: tool.name, error });
        validator = `The tool ${tool.name} cannot be called: its parameter schema is invalid.`;
      }
      this.#validators.set(tool.name, validator);
    }
    return validator;
  }

  /** The context one call of `toolName` receives in `turn`. */
  contextFor(turn: ToolTurn, toolName: string): ToolContext {
    return {
      ...this.#ports,
      signal: turn.signal,
      log: turn.log.child({ tool: toolName }),
      turnId: turn.turnId,
      conversationId: turn.conversationId,
      ceiling: turn.ceiling ?? "full",
    };
  }

  /** The tool pipeline with this runner's cap, hooks and timeouts, and the turn's gate and events. */
  createPipeline(turn: { gate: ApprovalGate; emit: EmitEvent }): RunToolCall {
    return createToolPipeline({
      gate: turn.gate,
      emit: turn.emit,
      log: this.log,
      maxOutputChars: this.#options.maxOutputChars ?? MAX_TOOL_OUTPUT_CHARS,
      resultHooks: this.resultHooks,
      defaultTimeoutMs: this.#options.defaultTimeoutMs,
      stopGraceMs: this.#options.stopGraceMs,
      isHostTool: (tool) => this.isHostTool(tool),
    });
  }

  /** The tool's pre-approval check: a refusal for the model, or null when the owner may be asked. */
  precheck(prepared: PreparedCall, context: ToolContext): Promise<string | null> {
    return runPrecheck(prepared, context, this.log);
  }

  /** Runs one call that needs no decision (approved, or tests): ceiling, execute, cap, hooks. */
  async execute(prepared: PreparedCall, context: ToolContext): Promise<ToolResult> {
    const run = this.createPipeline({ gate: allowEverything, emit: async () => {} });
    const outcome = await run(prepared, context, "approved");
    return outcome.kind === "result"
      ? outcome.result
      : { content: "The call needs approval.", isError: true };
  }
}
