/**
 * Chat commands every channel understands. They are answered by the host directly, never by the
 * LLM, and `/cancel` is handled before the conversation queue so it can stop a running turn.
 */
import type { Database } from "../db/client.ts";
import { startNewConversation } from "../db/conversations.ts";
import type { AgentPort } from "./agent-port.ts";
import type { CommandHandler } from "./inbound.ts";

export interface CommandDependencies {
  db: Database;
  agent: Pick<AgentPort, "isBusy" | "cancel">;
  /** One line about the LLM, e.g. "openai:gpt-4o-mini", or why there is none. */
  llmDescription: () => string;
  /** Extra commands from other modules (approvals add /approve, /always, /deny). */
  extra?: Readonly<Record<string, CommandHandler>>;
}

export const helpText = [
  "I'm IronClaw, your assistant. Just write to me.",
  "",
  "/new — start a fresh conversation (I forget the current thread)",
  "/status — what I'm running on and whether I'm busy",
  "/cancel — stop what I'm doing right now",
  "/help — this list",
].join("\n");

export function createCommands(deps: CommandDependencies): Record<string, CommandHandler> {
  return {
    start: async () => helpText,
    help: async () => helpText,
    new: async (_args, context) => {
      // A running turn belongs to the old thread; stop it so it does not answer into the new one.
      deps.agent.cancel(context.conversation.id);
      await startNewConversation(deps.db, context.conversation.channel, context.conversation.chatId);
      return "Started a fresh conversation.";
    },
    status: async (_args, context) => {
      const busy = deps.agent.isBusy(context.conversation.id);
      return [`Model: ${deps.llmDescription()}`, busy ? "Working on your last message." : "Idle."].join("\n");
    },
    cancel: async (_args, context) =>
      deps.agent.cancel(context.conversation.id) ? "Stopping the current task." : "Nothing is running.",
    ...deps.extra,
  };
}
