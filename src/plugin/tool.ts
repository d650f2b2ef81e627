/**
 * The tool contract. A tool is a named capability the model may call with JSON arguments that
 * match `parameters` (a JSON-schema object; the host validates before `execute` runs, so a tool
 * receives valid input). A failure is a result for the model (`isError: true`), never a crash.
 *
 * A tool reaches the world only through the ports in its context (`http`, `workspace`,
 * `secrets`, `now`), and every call runs through the host's tool pipeline (ceiling, approval,
 * timeout and abort, output cap, result hooks; src/agent/tool-pipeline.ts).
 *
 * Example (define-tool.ts types `params` from the schema):
 *   const echo = defineTool({
 *     name: "echo", description: "Repeat the given text", risk: "read", approval: "never",
 *     parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
 *     async execute(params) { return { content: params.text } },
 *   });
 */
import type { Logger } from "../log.ts";
import type { HttpPort, SecretsPort, WorkspacePort } from "./ports/index.ts";

/** What a tool can do to the world; shown to the owner and used by policy. */
export type ToolRisk = "read" | "write" | "external" | "exec";

/**
 * When the owner must approve a call: `never`; `unless-auto-approved` (asks unless the owner
 * chose "always" for this tool); `always` (asks every time, "always" is not offered).
 */
export type ToolApproval = "never" | "unless-auto-approved" | "always";

/**
 * What a turn lets its tools do: `full`, or `read-only` (only the host's own tools of a fixed
 * read-only set run, src/skills/attenuation.ts; set while an installed skill is active in the turn).
 */
export type ToolCeiling = "full" | "read-only";

export interface ToolContext {
  /** Aborted when the turn is cancelled, the process shuts down or the call's time is up. */
  signal: AbortSignal;
  /** Carries the tool's registered name. */
  log: Logger;
  conversationId: string;
  turnId: string;
  /** The guarded HTTP client: SSRF checks on every hop, host-side credential injection. */
  http: HttpPort;
  /** Text files under the owner's workspace folder; paths outside it are refused. */
  workspace: WorkspacePort;
  /** Whether a secret exists by name; values are never handed to tools. */
  secrets: SecretsPort;
  /** The host's clock. */
  now(): Date;
  /** The turn's tool ceiling (the pipeline enforces it; a tool may read it). */
  ceiling: ToolCeiling;
}

export interface ToolResult {
  /** Text for the model (JSON-encode structured results). */
  content: string;
  isError?: boolean;
  /** Set by the host's safety scan: injection markers found in the content (shown in the event). */
  flags?: readonly string[];
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  readonly risk: ToolRisk;
  readonly approval: ToolApproval;
  /**
   * `on-search`: once more than a handful of tools are registered, the model is not sent this
   * definition with every call but finds it through `tool_search` (rarely used tools: creating a
   * routine, building a tool). Default `always`. Installed tools are always `on-search`.
   */
  readonly offer?: "always" | "on-search";
  /** How long one call may run before it is stopped and reported to the model; default 60 s. */
  readonly timeoutMs?: number;
  execute(params: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
  /**
   * Short, secret-free summary of a call for approval prompts (may read state, e.g. to show
   * old → new values). Defaults to the parameters with secret-looking values redacted.
   */
  summarize?(params: Record<string, unknown>): string | Promise<string>;
  /**
   * The tier of this particular call, when it depends on the arguments (routine_update asks only
   * when the change makes the routine do more). Without it every call has `approval`. A throw
   * counts as `always`.
   */
  approvalFor?(params: Record<string, unknown>): Promise<ToolApproval>;
  /**
   * Checks made before the owner is asked, so nobody is asked to approve a call that would be
   * refused anyway (http_request checks the destination). Returns the refusal for the model, or
   * null. `execute` must still check: time passes between the question and the answer.
   */
  precheck?(params: Record<string, unknown>, context: ToolContext): Promise<string | null>;
}
