/**
 * After a crash or kill: turns left `running` are marked interrupted and the owner is told in
 * that conversation (and the notice is stored with it); so are turns a graceful shutdown
 * interrupted (stored `interrupted` without an end time until the owner is told). Inbound
 * messages that were stored but never handled are handled now. Interrupted turns are never
 * resumed: what they were doing does not run twice.
 */

import type { Responder } from "../core/responder.ts";
import type { Database } from "../db/client.ts";
import type { StoredMessage } from "../db/conversations.ts";
import { type Conversation, getConversation, recordOutbound } from "../db/conversations.ts";
import { closeInterruptedTurn, findTurnsCutShort, findUnhandledInbound } from "../db/turns.ts";
import type { Logger } from "../log.ts";
import { transitionTurn } from "./turn-state.ts";

export interface RecoveryOptions {
  db: Database;
  log: Logger;
  responderFor: (conversation: Conversation) => Responder;
  redispatch: (conversation: Conversation, message: StoredMessage) => Promise<void>;
}

function excerpt(text: string | null): string {
  if (!text) return "your last request";
  const line = text.replace(/\s+/g, " ").trim();
  return `“${line.length > 80 ? `${line.slice(0, 77)}…` : line}”`;
}

export async function recoverAfterRestart(
  options: RecoveryOptions,
): Promise<{ interrupted: number; redispatched: number }> {
  const { db, log } = options;
  let interrupted = 0;
  for (const { turn, trigger } of await findTurnsCutShort(db)) {
    const moved =
      turn.status === "running"
        ? await transitionTurn(db, turn.id, "running", "interrupted", {
            error: "the process stopped while the turn was running",
            finishedAt: new Date(),
          })
        : await closeInterruptedTurn(db, turn.id, new Date());
    if (!moved) continue;
    interrupted++;
    const conversation = await getConversation(db, turn.conversationId);
    if (!conversation) continue;
    const text = `I was restarted while working on ${excerpt(trigger)}. Please send it again if you still need it.`;
    const platformMessageId = await options
      .responderFor(conversation)
      .notice(text)
      .catch((error: unknown) => {
        log.warn("could not tell the owner about an interrupted turn", { error });
        return undefined;
      });
    // Stored like every host notice, so a client reading the thread's history sees it too.
    await recordOutbound(db, conversation, { role: "system", content: text, platformMessageId }).catch(
      (error: unknown) => log.warn("could not store the notice about an interrupted turn", { error }),
    );
  }
  let redispatched = 0;
  for (const message of await findUnhandledInbound(db)) {
    const conversation = await getConversation(db, message.conversationId);
    if (!conversation) continue;
    redispatched++;
    await options.redispatch(conversation, message);
  }
  if (interrupted || redispatched) log.info("recovered after restart", { interrupted, redispatched });
  return { interrupted, redispatched };
}
