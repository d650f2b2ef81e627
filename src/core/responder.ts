/**
 * Where a turn's output goes. A chat channel streams into one message and edits it; the HTTP API
 * collects the text; the heartbeat filters "nothing to report". The agent only talks to this.
 * It lives in `core` because the inbound pipeline hands one to every turn it starts.
 */
import type { ApprovalOutcome, ApprovalPrompt, MessageRef } from "../plugin/channel.ts";

/** Where an approval prompt was shown; `channel` when it is not the conversation's own. */
export interface PromptRef extends MessageRef {
  channel?: string;
}

export interface Responder {
  /** A fragment of streamed text (the implementation decides how often to show it). */
  onDelta(text: string): void;
  /** The final answer. Returns the platform id of the (last) message that carries it. */
  finish(text: string): Promise<string | undefined>;
  /** A message from the host itself: errors, interruptions, command replies. */
  notice(text: string): Promise<string | undefined>;
  /** Shows an approval prompt (buttons, or the text fallback). */
  askApproval?(prompt: ApprovalPrompt): Promise<PromptRef | undefined>;
  settleApproval?(ref: MessageRef, outcome: ApprovalOutcome, prompt: ApprovalPrompt): Promise<void>;
}
