/**
 * The tool contract. A tool is a named capability the model may call with JSON arguments that
 * match `parameters` (a JSON-schema object; the host validates before `execute` runs, so a tool
 * receives valid input). A failure is a result for the model (`isError: true`), never a crash.
 *
 * Example:
 *   const echo: Tool = {
 *     name: "echo", description: "Repeat the given text", risk: "read", approval: "never",
 *     parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
 *     async execute(params) { return { content: String(params.text) } },
 *   };
 */
import type { Logger } from "../log.ts";

/** What a tool can do to the world; shown to the owner and used by policy. */
export type ToolRisk = "read" | "write" | "external" | "exec";

/**
 * When the owner must approve a call: `never`; `unless-auto-approved` (asks unless the owner
 * chose "always" for this tool); `always` (asks every time, "always" is not offered).
 */
export type ToolApproval = "never" | "unless-auto-approved" | "always";

export interface ToolContext {
  /** Aborted when the turn is cancelled or the process shuts down. */
  signal: AbortSignal;
  log: Logger;
  conversationId: string;
  turnId: string;
}

export interface ToolResult {
  /** Text for the model (JSON-encode structured results). */
  content: string;
  isError?: boolean;
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  readonly risk: ToolRisk;
  readonly approval: ToolApproval;
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
