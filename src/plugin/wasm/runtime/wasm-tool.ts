/**
 * The `Tool` the agent sees for a loaded WASM component: name, risk and approval from the
 * manifest, description and parameters from the component (checked: the schema must be a JSON
 * object schema the model can use), and an `execute` that runs one call on a fresh instance in
 * the tool's sandbox. Every way a call can go wrong (the guest's error, a trap, the deadline, the
 * memory cap, an oversized or invalid result) is an `isError` result for the model with a clear
 * message, never an exception out of the host.
 */
import { AppError } from "../../../errors.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import type { WasmToolManifest } from "../contract.ts";
import { createRequestRateLimit } from "./allowlist.ts";
import { createHostCalls } from "./host-calls.ts";
import type { CallOutcome } from "./protocol.ts";
import type { Sandbox } from "./sandbox.ts";

/** Time the pipeline allows beyond the manifest's deadline, so the sandbox reports first. */
export const pipelineMarginMs = 2_000;

export function parseToolSchema(name: string, outcome: CallOutcome): Record<string, unknown> {
  if (outcome.kind !== "ok") {
    const reason = outcome.kind === "error" ? outcome.content : outcome.message;
    throw new AppError("invalid_input", `tool ${name}: schema() failed: ${reason}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(outcome.content);
  } catch {
    throw new AppError("invalid_input", `tool ${name}: schema() did not return valid JSON`);
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new AppError("invalid_input", `tool ${name}: schema() must return a JSON object schema`);
  }
  if ((schema as { type?: unknown }).type !== "object") {
    throw new AppError("invalid_input", `tool ${name}: schema() must describe an object ("type": "object")`);
  }
  return schema as Record<string, unknown>;
}

export function toolDescription(name: string, manifest: WasmToolManifest, outcome: CallOutcome): string {
  if (manifest.description.trim() !== "") return manifest.description;
  if (outcome.kind === "ok" && outcome.content.trim() !== "") return outcome.content.slice(0, 2_000);
  throw new AppError("invalid_input", `tool ${name}: it has no description (manifest or description())`);
}

export interface WasmToolOptions {
  readonly manifest: WasmToolManifest;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  readonly sandbox: Sandbox;
}

export function createWasmTool(options: WasmToolOptions): Tool {
  const { manifest, sandbox } = options;
  const limits = manifest.limits;
  const rateLimit = createRequestRateLimit(limits.requestsPerMinute, limits.requestsPerHour);
  return {
    name: manifest.name,
    description: options.description,
    parameters: options.parameters,
    risk: manifest.risk,
    approval: manifest.approval,
    timeoutMs: limits.timeoutMs + pipelineMarginMs,
    async execute(params: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const started = Date.now();
      const outcome = await sandbox.call({
        params: JSON.stringify(params),
        context: JSON.stringify({
          conversationId: context.conversationId,
          turnId: context.turnId,
          nowMillis: context.now().getTime(),
        }),
        timeoutMs: limits.timeoutMs,
        signal: context.signal,
        hostCalls: createHostCalls({
          manifest,
          context,
          callDeadline: started + limits.timeoutMs,
          takeRequest: () => rateLimit.take(),
        }),
      });
      if (outcome.kind === "ok") return { content: outcome.content };
      if (outcome.kind === "error") return { content: outcome.content, isError: true };
      context.log.warn("wasm tool call failed", { tool: manifest.name, reason: outcome.reason });
      return { content: outcome.message, isError: true };
    },
  };
}
