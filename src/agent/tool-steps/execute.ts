/**
 * Runs the tool, contained. A call whose turn is already cancelled does not start. The tool gets a signal that aborts when the turn is cancelled or its
 * time (`timeoutMs`, default 60 s) is up; a tool that honours it returns its own result. One
 * that ignores it is not waited for: `graceMs` after the abort the call ends with a clear result
 * and the tool's promise is left to settle on its own. A throw, a hang or a result that is not a
 * `{ content: string }` becomes an error result for the model, logged with the tool's
 * registered name — never a crash of the turn.
 */
import type { Logger } from "../../log.ts";
import type { Tool, ToolResult } from "../../plugin/tool.ts";
import { refuse, settle, type ToolStep } from "./call-state.ts";

export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;
/** How long a tool may take to return after its signal aborts before the host stops waiting. */
export const DEFAULT_STOP_GRACE_MS = 1_000;

export interface ExecuteStepOptions {
  log: Logger;
  defaultTimeoutMs?: number;
  graceMs?: number;
}

type Settled = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown } | { kind: "stopped" };

/** Resolves `graceMs` after `signal` aborts; `cancel` drops the timer and listener. */
function stoppedAfterAbort(signal: AbortSignal, graceMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const stopped = new Promise<Settled>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve({ kind: "stopped" }), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return {
    stopped,
    cancel: () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}

function isToolResult(value: unknown): value is ToolResult {
  return typeof value === "object" && value !== null && typeof (value as ToolResult).content === "string";
}

export function createExecuteStep(options: ExecuteStepOptions): ToolStep {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const graceMs = options.graceMs ?? DEFAULT_STOP_GRACE_MS;
  return async function executeTool(state, next) {
    const tool = state.prepared.tool as Tool;
    const params = state.prepared.params as Record<string, unknown>;
    if (state.context.signal.aborted) {
      refuse(state, `The tool ${tool.name} was not run: the turn was cancelled.`, "failed");
      return next();
    }
    const timeoutMs = tool.timeoutMs ?? defaultTimeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    const signal = AbortSignal.any([state.context.signal, deadline.signal]);
    const watch = stoppedAfterAbort(signal, graceMs);
    const started = performance.now();
    const running = (async (): Promise<Settled> => {
      try {
        return { kind: "returned", value: await tool.execute(params, { ...state.context, signal }) };
      } catch (error) {
        return { kind: "threw", error };
      }
    })();
    const settled = await Promise.race([running, watch.stopped]);
    clearTimeout(timer);
    watch.cancel();

    const fields = { tool: tool.name, latencyMs: Math.round(performance.now() - started) };
    if (deadline.signal.aborted) {
      options.log.warn("tool timed out", { ...fields, timeoutMs, stopped: settled.kind === "stopped" });
      refuse(state, `The tool ${tool.name} did not finish within ${timeoutMs} ms and was stopped.`, "failed");
    } else if (settled.kind === "stopped") {
      options.log.warn("tool ignored cancellation", fields);
      refuse(state, `The tool ${tool.name} was cancelled before it finished.`, "failed");
    } else if (settled.kind === "threw") {
      options.log.warn("tool threw", { ...fields, error: settled.error });
      const message = settled.error instanceof Error ? settled.error.message : String(settled.error);
      refuse(state, `The tool ${tool.name} failed: ${message}`, "failed");
    } else if (!isToolResult(settled.value)) {
      options.log.warn("tool returned an invalid result", fields);
      refuse(state, `The tool ${tool.name} returned an invalid result (expected text content).`, "failed");
    } else {
      const result: ToolResult = { content: settled.value.content, isError: settled.value.isError === true };
      if (!result.isError) delete result.isError;
      options.log.debug("tool finished", { ...fields, isError: result.isError === true });
      settle(state, result, result.isError ? "failed" : "succeeded");
    }
    await next();
  };
}
