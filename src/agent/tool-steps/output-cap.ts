/**
 * The ceiling on the text the model receives from one call, whatever produced it (the tool, a
 * refusal, a hook): a tool that forgets its own cap cannot flood the context. Tools such as
 * http_request cap below it, shaping what they keep; this is the host's last word.
 */
import type { ToolResult } from "../../plugin/tool.ts";
import type { ToolStep } from "./call-state.ts";

/** Default ceiling on the text of one tool result. */
export const MAX_TOOL_OUTPUT_CHARS = 100_000;

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

export function createOutputCapStep(maxChars: number = MAX_TOOL_OUTPUT_CHARS): ToolStep {
  return async function capToolOutput(state, next) {
    await next();
    if (state.outcome?.kind === "result") {
      state.outcome = { ...state.outcome, result: capOutput(state.outcome.result, maxChars) };
    }
  };
}
