/**
 * Watches a resumed turn through its Responder so the caller (the HTTP API) can learn how it went
 * on: answered, paused again for another approval, or failed. The wrapped responder still
 * delivers everything to the chat as usual.
 */
import type { Responder } from "../agent/responder.ts";
import { fallbackPromptText } from "./prompts.ts";

export type TurnResult =
  | { status: "completed"; reply: string }
  | { status: "paused"; approvalIds: string[] }
  | { status: "failed"; message: string }
  | { status: "waiting"; message: string };

export function observeTurn(inner: Responder): { responder: Responder; result: Promise<TurnResult> } {
  let settle: (result: TurnResult) => void = () => {};
  const result = new Promise<TurnResult>((resolve) => {
    settle = resolve;
  });
  const responder: Responder = {
    onDelta: (text) => inner.onDelta(text),
    finish: async (text) => {
      settle({ status: "completed", reply: text });
      return inner.finish(text);
    },
    notice: async (text) => {
      settle({ status: "failed", message: text });
      return inner.notice(text);
    },
    askApproval: async (prompt) => {
      settle({ status: "paused", approvalIds: [prompt.approvalId] });
      if (inner.askApproval) return inner.askApproval(prompt);
      await inner.notice(fallbackPromptText(prompt));
      return undefined;
    },
    settleApproval: inner.settleApproval,
  };
  return { responder, result };
}
