/**
 * One time budget for a whole LLM call (LLM_CALL_BUDGET): every retry, back-off and fallback
 * included. LLM_TIMEOUT bounds a single request; without this, a provider that hangs would be
 * waited for once per attempt and per backend, holding the owner's turn for many minutes.
 *
 * When the budget runs out, the call in flight is aborted through its signal (the layers below
 * then stop at once: no retry, no failover for a cancelled request) and the caller gets an
 * llm_timeout that names the budget. The caller's own abort still surfaces as "cancelled", from
 * the layers below.
 */
import { cancelledError, describeLimit } from "./deadline.ts";
import { LlmError } from "./errors.ts";
import type { ChatRequest, ChatResponse, LlmClient } from "./types.ts";

export interface CallBudgetOptions {
  budgetMs: number;
}

export function withCallBudget(client: LlmClient, options: CallBudgetOptions): LlmClient {
  const { budgetMs } = options;

  async function chat(request: ChatRequest): Promise<ChatResponse> {
    const callerSignal = request.signal;
    if (callerSignal?.aborted) throw cancelledError(client.label, callerSignal.reason);
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener("abort", forwardAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Raced as well as signalled, so the call ends on time even if some layer ignores the abort.
    const exhausted = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new LlmError(
          "llm_timeout",
          `The model provider did not answer within ${describeLimit(budgetMs)}, the limit for one LLM call (LLM_CALL_BUDGET)`,
          { provider: client.label },
        );
        controller.abort(error);
        reject(error);
      }, budgetMs);
    });
    const answer = client.chat({ ...request, signal: controller.signal });
    // Whatever the aborted call throws after the budget ran out is moot (the budget error won).
    answer.catch(() => {});
    try {
      return await Promise.race([answer, exhausted]);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", forwardAbort);
    }
  }

  return { label: client.label, chat };
}
