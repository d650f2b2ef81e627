/**
 * The two ways the owner decides an approval in a chat, both ending in the approval service's
 * compare-and-set: a typed `/approve <id>` (`/always`, `/deny`) command, and a button press
 * already stamped with the channel's registered id by its ChannelHost. Who may decide is the
 * service's check (the owner of that channel), never the caller's claim.
 */

import { outcomeWords } from "../approvals/prompts.ts";
import type { ApprovalService } from "../approvals/service.ts";
import type { CommandHandler } from "../core/inbound.ts";
import type { ActionResult, ApprovalAction, ApprovalDecision } from "../plugin/channel.ts";

/** `/approve`, `/always` and `/deny` as chat commands. */
export function createDecisionCommands(
  approvals: () => ApprovalService,
): Record<ApprovalDecision, CommandHandler> {
  const command =
    (decision: ApprovalDecision): CommandHandler =>
    async (args, context) => {
      if (!args) return `Usage: /${decision} <id>`;
      const result = await approvals().decide(args.split(/\s+/)[0] as string, decision, {
        channel: context.message.channel,
        userId: context.message.senderId,
      });
      return result.ok ? `${outcomeWords[result.outcome]}: ${result.approval.tool}.` : result.message;
    };
  return { approve: command("approve"), always: command("always"), deny: command("deny") };
}

/** A button press; the notice is what the presser is shown. */
export function createActionDecider(
  approvals: () => ApprovalService,
): (action: ApprovalAction) => Promise<ActionResult> {
  return async (action) => {
    const result = await approvals().decide(action.approvalId, action.decision, {
      channel: action.channel,
      userId: action.senderId,
    });
    return result.ok
      ? { ok: true, notice: `${outcomeWords[result.outcome]}: ${result.approval.tool}` }
      : { ok: false, notice: result.message };
  };
}
