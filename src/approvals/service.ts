/**
 * The Veto: durable approvals. When a turn pauses, each call that needs the owner gets an
 * approval row (bound to the call by an HMAC fingerprint) and a prompt on the chat, in the same
 * transaction that stores the paused turn. A decision — button, `/approve <id>`, or the HTTP API
 * — is a compare-and-set, so it happens once. When every call of the turn is decided, the turn is
 * claimed (awaiting_approval → running, also a compare-and-set) and the *stored* calls run.
 *
 * Several calls pending in one turn are decided one by one; the turn resumes when the last one is
 * decided (or expires). While a turn waits, new messages in the conversation are answered as
 * usual: the waiting turn is parked, not in flight, so nothing is blocked behind it.
 */
import type { AgentService, PausedTurn } from "../agent/agent-service.ts";
import type { AgentEventBus } from "../agent/events.ts";
import type { LoopState } from "../agent/loop.ts";
import type { Responder } from "../agent/responder.ts";
import type { ToolRunner } from "../agent/tool-runner.ts";
import { readTurnState, transitionTurn } from "../agent/turn-state.ts";
import {
  type ApprovalRow,
  decideApproval,
  expireDueApprovals,
  getApproval,
  insertApprovals,
  listApprovals,
  listTurnApprovals,
  setPromptMessage,
} from "../db/approvals.ts";
import type { DatabaseHandle } from "../db/client.ts";
import { type Conversation, getConversation } from "../db/conversations.ts";
import type { ApprovalStatus } from "../db/schema/index.ts";
import { getTurn, listTurnIdsAwaitingApproval } from "../db/turns.ts";
import type { Logger } from "../log.ts";
import type { ApprovalDecision, ApprovalOutcome, Channel } from "../plugin/channel.ts";
import { buildApprovalRows, storedCallMatches } from "./approval-rows.ts";
import { setToolChoice } from "./policy.ts";
import { type ApprovalView, fallbackPromptText, outcomeWords, promptOf, viewOf } from "./prompts.ts";
import { observeTurn, type TurnResult } from "./turn-result.ts";

export type DecideFailure =
  | "not_found"
  | "already_decided"
  | "expired"
  | "forbidden"
  | "always_not_allowed"
  | "fingerprint_mismatch";
export type DecideResult =
  | {
      ok: true;
      outcome: "approved" | "always" | "denied";
      approval: ApprovalView;
      resumed: Promise<TurnResult>;
    }
  | { ok: false; reason: DecideFailure; message: string };

export interface Actor {
  channel: string;
  userId: string;
}

/** The per-conversation queue a resumed turn runs in (one turn in flight per conversation). */
export interface TurnQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export interface ApprovalServiceOptions {
  database: DatabaseHandle;
  log: Logger;
  key: string;
  timeoutMs: number;
  agent: AgentService;
  runner: ToolRunner;
  queue: TurnQueue;
  bus: AgentEventBus;
  isOwner: (channel: string, userId: string) => Promise<boolean>;
  responderFor: (conversation: Conversation) => Responder;
  channelFor: (id: string) => Channel | undefined;
  now?: () => Date;
}

const outcomeOf = { approve: "approved", always: "always", deny: "denied" } as const;
const outcomeByStatus: Partial<Record<ApprovalStatus, ApprovalOutcome>> = {
  approved: "approved",
  denied: "denied",
  expired: "expired",
};

/** A stored state that does not read back as a loop state matches no call (so nothing runs). */
function readStateOrNothing(turn: Parameters<typeof readTurnState>[0]): LoopState | undefined {
  try {
    return readTurnState(turn);
  } catch {
    return undefined;
  }
}

export class ApprovalService {
  readonly #now: () => Date;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.#now = options.now ?? (() => new Date());
  }

  get #db() {
    return this.options.database.db;
  }

  /** AgentService hook: store approvals for the calls that wait, and ask the owner. */
  readonly onPaused = async ({ turnId, conversation, outcome, responder }: PausedTurn): Promise<void> => {
    const { key, timeoutMs } = this.options;
    const expiresAt = new Date(this.#now().getTime() + timeoutMs);
    const state = outcome.state;
    const fresh = await buildApprovalRows({
      key,
      runner: this.options.runner,
      turnId,
      conversation,
      state,
      expiresAt,
    });
    const paused = await transitionTurn(this.#db, turnId, "running", "awaiting_approval", { state }, (tx) =>
      insertApprovals(tx, fresh),
    );
    if (!paused) {
      this.options.log.warn("turn was no longer running when it paused; no approval asked", { turn: turnId });
      return;
    }
    const ids = { turnId, conversationId: conversation.id };
    for (const values of fresh) {
      const call = (state.pending ?? []).find((entry) => entry.approvalId === values.id)?.call;
      if (!call) continue;
      await this.options.bus.emit({
        type: "approval-requested",
        ...ids,
        call,
        approvalId: values.id,
        summary: values.summary,
        expiresAt: expiresAt.toISOString(),
      });
    }
    await this.options.bus.emit({
      type: "turn-paused",
      ...ids,
      approvalIds: (state.pending ?? []).flatMap((entry) =>
        !entry.result && entry.approvalId ? [entry.approvalId] : [],
      ),
    });
    for (const values of fresh) {
      const row = (await getApproval(this.#db, values.id)) as ApprovalRow;
      const prompt = promptOf(row);
      const ref = responder.askApproval ? await responder.askApproval(prompt) : undefined;
      if (!responder.askApproval) await responder.notice(fallbackPromptText(prompt));
      if (ref) {
        await setPromptMessage(
          this.#db,
          row.id,
          ref.messageId,
          ref.channel ? { channel: ref.channel, chatId: ref.chatId } : undefined,
        );
        // A very fast press can be decided before the prompt's id was stored: settle it now.
        const current = await getApproval(this.#db, row.id);
        if (current && current.status !== "pending") {
          await this.#settlePrompt(
            current,
            current.decision === "always" ? "always" : (outcomeByStatus[current.status] ?? "denied"),
          );
        }
      }
      this.options.log.info("approval requested", { approval: row.id, tool: row.tool, turn: turnId });
    }
  };

  async list(filter: { status?: ApprovalStatus } = {}): Promise<ApprovalView[]> {
    return (await listApprovals(this.#db, filter.status)).map(viewOf);
  }

  async decide(id: string, decision: ApprovalDecision, actor: Actor): Promise<DecideResult> {
    const row = await getApproval(this.#db, id);
    if (!row) return { ok: false, reason: "not_found", message: `No approval with id ${id}.` };
    // Who may decide is the owner check's call: host surfaces (api, terminal) by registration.
    if (!(await this.options.isOwner(actor.channel, actor.userId))) {
      this.options.log.warn("approval decision by someone who is not the owner refused", {
        approval: id,
        ...actor,
      });
      return { ok: false, reason: "forbidden", message: "Only the owner can decide this." };
    }
    if (row.status === "expired" || (row.status === "pending" && row.expiresAt <= this.#now())) {
      await this.expireDue();
      return {
        ok: false,
        reason: "expired",
        message: `The approval for ${row.tool} has expired; it was not run.`,
      };
    }
    if (row.status !== "pending") {
      return { ok: false, reason: "already_decided", message: `This was already decided: ${row.status}.` };
    }
    if (decision === "always" && row.allowAlways === "no") {
      return {
        ok: false,
        reason: "always_not_allowed",
        message: `${row.tool} must be approved every time; "Always" is not offered.`,
      };
    }
    if (!(await this.#matchesStoredCall(row))) {
      this.options.log.error("approval fingerprint does not match the stored call; refused", {
        approval: id,
        tool: row.tool,
      });
      return {
        ok: false,
        reason: "fingerprint_mismatch",
        message: "The stored call no longer matches what was shown; it will not run.",
      };
    }
    const won = await decideApproval(
      this.#db,
      id,
      {
        status: decision === "deny" ? "denied" : "approved",
        decision,
        decidedBy: actor.userId,
        decidedVia: actor.channel,
      },
      this.#now(),
    );
    if (!won) {
      const current = await getApproval(this.#db, id);
      return current?.status === "expired"
        ? {
            ok: false,
            reason: "expired",
            message: `The approval for ${row.tool} has expired; it was not run.`,
          }
        : {
            ok: false,
            reason: "already_decided",
            message: `This was already decided: ${current?.status ?? "unknown"}.`,
          };
    }
    if (decision === "always") await setToolChoice(this.#db, row.tool, "always-allow");
    await this.#announceDecision(won, outcomeOf[decision]);
    this.options.log.info("approval decided", {
      approval: id,
      decision,
      by: actor.userId,
      via: actor.channel,
    });
    await this.#settlePrompt(won, outcomeOf[decision]);
    return {
      ok: true,
      outcome: outcomeOf[decision],
      approval: viewOf(won),
      resumed: this.resumeIfReady(won.turnId),
    };
  }

  /** Expires every approval whose time is up (also those that fell due while the process was down). */
  async expireDue(): Promise<number> {
    const expired = await expireDueApprovals(this.#db, this.#now());
    for (const row of expired) {
      this.options.log.info("approval expired", { approval: row.id, tool: row.tool });
      await this.#announceDecision(row, "expired");
      await this.#settlePrompt(row, "expired");
      this.#resumeInBackground(row.turnId);
    }
    return expired.length;
  }

  /** Start-up: apply expiries, and resume turns whose approvals were all decided before a crash. */
  async recover(): Promise<void> {
    await this.expireDue();
    for (const turnId of await listTurnIdsAwaitingApproval(this.#db)) this.#resumeInBackground(turnId);
  }

  startSweeper(everyMs = 5000): void {
    this.#sweeper ??= setInterval(() => {
      this.expireDue().catch((error: unknown) =>
        this.options.log.warn("approval expiry sweep failed", { error }),
      );
    }, everyMs);
  }

  stopSweeper(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  /** Resumes the turn once none of its approvals is pending. Resolves with how the turn went on. */
  async resumeIfReady(turnId: string): Promise<TurnResult> {
    const rows = await listTurnApprovals(this.#db, turnId);
    const pending = rows.filter((row) => row.status === "pending").length;
    if (pending > 0) return { status: "waiting", message: `Waiting for ${pending} more approval(s).` };
    const turn = await getTurn(this.#db, turnId);
    const conversation = turn && (await getConversation(this.#db, turn.conversationId));
    if (!turn || !conversation || turn.status !== "awaiting_approval") {
      return { status: "waiting", message: "The turn is not waiting for approval." };
    }
    const state = readTurnState(turn);
    if (!state) return { status: "waiting", message: "The turn has no stored state to resume." };
    const decisions: Record<string, "approved" | "denied" | "expired"> = {};
    for (const row of rows) {
      const matches = row.status !== "approved" || (await this.#matchesStoredCall(row, state));
      decisions[row.id] =
        row.status === "approved"
          ? matches
            ? "approved"
            : "denied"
          : row.status === "expired"
            ? "expired"
            : "denied";
    }
    if (!(await transitionTurn(this.#db, turnId, "awaiting_approval", "running"))) {
      return { status: "waiting", message: "The turn was already resumed." };
    }
    const { responder, result } = observeTurn(this.options.responderFor(conversation));
    void this.options.queue
      .run(conversation.id, () => this.options.agent.drive(turnId, conversation, state, decisions, responder))
      .catch((error: unknown) => this.options.log.error("resumed turn crashed", { turn: turnId, error }));
    return result;
  }

  #resumeInBackground(turnId: string): void {
    this.resumeIfReady(turnId).catch((error: unknown) =>
      this.options.log.error("could not resume a turn after its approvals", { turn: turnId, error }),
    );
  }

  async #matchesStoredCall(row: ApprovalRow, knownState?: LoopState): Promise<boolean> {
    const turn = knownState ? undefined : await getTurn(this.#db, row.turnId);
    return storedCallMatches(
      this.options.key,
      row,
      knownState ?? (turn ? readStateOrNothing(turn) : undefined),
    );
  }

  async #announceDecision(row: ApprovalRow, outcome: "approved" | "always" | "denied" | "expired") {
    await this.options.bus.emit({
      type: "approval-decided",
      turnId: row.turnId,
      conversationId: row.conversationId,
      approvalId: row.id,
      tool: row.tool,
      outcome,
      decidedBy: row.decidedBy ?? "timeout",
      decidedVia: row.decidedVia ?? "timeout",
    });
  }

  async #settlePrompt(decided: ApprovalRow, outcome: ApprovalOutcome): Promise<void> {
    const channel = this.options.channelFor(decided.channel);
    const row = decided.promptMessageId ? decided : ((await getApproval(this.#db, decided.id)) ?? decided);
    try {
      if (row.promptMessageId && channel?.settleApproval) {
        await channel.settleApproval(
          { chatId: row.chatId, messageId: row.promptMessageId },
          outcome,
          promptOf(row),
        );
      } else if (channel && outcome === "expired") {
        await channel.send(
          { chatId: row.chatId },
          { text: `${outcomeWords.expired}: ${row.tool} was not run (no decision in time).` },
        );
      }
    } catch (error) {
      this.options.log.warn("could not show the approval outcome", { approval: row.id, error });
    }
  }
}
