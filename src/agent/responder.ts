/**
 * The agent's view of where a turn's output goes. The type lives in `src/core/responder.ts`
 * (the inbound pipeline makes one for every turn, and core must not import the agent); modules
 * above the agent — approvals, the scheduler, the gateway — take it from here, so none of them
 * imports core directly.
 */
export type { PromptRef, Responder } from "../core/responder.ts";
