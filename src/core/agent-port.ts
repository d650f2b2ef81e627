/**
 * What the inbound pipeline and the chat commands need from the agent, as a port: `core` sits
 * below the agent and must not import it. `AgentService` implements this; tests may pass any
 * object that does.
 */
import type { Conversation, StoredMessage } from "../db/conversations.ts";
import type { Responder } from "./responder.ts";

export interface AgentPort {
  /** Answers `trigger` (already stored) in `conversation`; never throws, failures go to the owner. */
  answer(conversation: Conversation, trigger: StoredMessage, responder: Responder): Promise<void>;
  /** Is a turn running for this conversation right now? */
  isBusy(conversationId: string): boolean;
  /** Aborts the conversation's running turn; false when none runs. */
  cancel(conversationId: string): boolean;
}
