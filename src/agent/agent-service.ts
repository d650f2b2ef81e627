/**
 * Runs turns for conversations: creates the turn row, builds the context, drives the agent loop,
 * persists the outcome and hands the answer to the turn's Responder. One turn per conversation
 * at a time (callers queue through `KeyedQueue`); `/cancel` aborts the running one.
 */

import type { DatabaseHandle } from "../db/client.ts";
import type { Conversation, StoredMessage } from "../db/conversations.ts";
import { recordOutbound } from "../db/conversations.ts";
import { createTurn, transitionTurn, updateTurn } from "../db/turns.ts";
import { AppError } from "../errors.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { AgentEventBus } from "./events.ts";
import { buildHistory } from "./history.ts";
import { type GateVerdict, type LoopOutcome, type LoopState, runAgentLoop } from "./loop.ts";
import { ownerMessageFor } from "./owner-messages.ts";
import type { Responder } from "./responder.ts";
import type { PreparedCall, ToolRunner } from "./tool-runner.ts";

export interface PausedTurn {
  turnId: string;
  conversation: Conversation;
  outcome: Extract<LoopOutcome, { status: "paused" }>;
  responder: Responder;
}

export interface AgentServiceOptions {
  database: DatabaseHandle;
  llm: LlmClient | null;
  /** Shown when a message arrives while no LLM is configured. */
  noLlmMessage: string;
  runner: ToolRunner;
  gate: (prepared: PreparedCall) => Promise<GateVerdict>;
  /** Takes over a turn that waits for approval: stores the approvals and asks the owner. */
  onPaused?: (paused: PausedTurn) => Promise<void>;
  bus: AgentEventBus;
  systemPrompt: () => string;
  maxIterations: number;
  historyBudgetTokens?: number;
  log: Logger;
}

export class AgentService {
  readonly #running = new Map<string, AbortController>();

  constructor(private readonly options: AgentServiceOptions) {}

  /** Is a turn running for this conversation right now? */
  isBusy(conversationId: string): boolean {
    return this.#running.has(conversationId);
  }

  /** Aborts the conversation's running turn; false when none runs. */
  cancel(conversationId: string): boolean {
    const controller = this.#running.get(conversationId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Answers `trigger` (already stored) in `conversation`. Never throws: failures go to the owner. */
  async answer(conversation: Conversation, trigger: StoredMessage, responder: Responder): Promise<void> {
    const { database, log } = this.options;
    const turn = await createTurn(database.db, {
      conversationId: conversation.id,
      triggerMessageId: trigger.id,
    });
    const turnLog = log.child({
      conversation: conversation.id,
      turn: turn.id,
      channel: conversation.channel,
    });
    if (!this.options.llm) {
      await this.#fail(
        turn.id,
        conversation,
        new AppError("llm_not_configured", this.options.noLlmMessage),
        responder,
        turnLog,
      );
      return;
    }
    let initial: LoopState;
    try {
      const history = await buildHistory(database.db, conversation, trigger, {
        budgetTokens: this.options.historyBudgetTokens ?? 24_000,
        llm: this.options.llm,
      });
      initial = {
        messages: [{ role: "system", content: this.options.systemPrompt() }, ...history],
        iterations: 0,
      };
    } catch (error) {
      await this.#fail(turn.id, conversation, error, responder, turnLog);
      return;
    }
    await this.options.bus.emit({ type: "turn-start", turnId: turn.id, conversationId: conversation.id });
    await this.drive(turn.id, conversation, initial, {}, responder);
  }

  /**
   * Runs (or resumes) the loop for a stored turn. `decisions` maps approval ids to what the
   * owner decided; used when resuming after approvals.
   */
  async drive(
    turnId: string,
    conversation: Conversation,
    state: LoopState,
    decisions: Record<string, "approved" | "denied" | "expired">,
    responder: Responder,
  ): Promise<void> {
    const { database, log, bus } = this.options;
    const turnLog = log.child({ conversation: conversation.id, turn: turnId, channel: conversation.channel });
    const controller = new AbortController();
    this.#running.set(conversation.id, controller);
    const unsubscribe = bus.subscribe((event) => {
      if (event.type === "text-delta" && event.turnId === turnId) responder.onDelta(event.text);
    });
    const started = performance.now();
    try {
      await updateTurn(database.db, turnId, {
        status: "running",
        state: state as unknown as Record<string, unknown>,
      });
      const outcome = await runAgentLoop(
        {
          llm: this.options.llm as LlmClient,
          runner: this.options.runner,
          gate: this.options.gate,
          emit: (event) => bus.emit(event),
          maxIterations: this.options.maxIterations,
          signal: controller.signal,
          log: turnLog,
          turnId,
          conversationId: conversation.id,
        },
        state,
        decisions,
      );
      if (outcome.status === "paused") {
        await updateTurn(database.db, turnId, {
          status: "awaiting_approval",
          state: outcome.state as unknown as Record<string, unknown>,
        });
        turnLog.info("turn paused for approval", { calls: outcome.asks.map((ask) => ask.call.name) });
        if (this.options.onPaused) {
          await this.options.onPaused({ turnId, conversation, outcome, responder });
        } else {
          throw new AppError("tool_failed", "a tool needs approval, but approvals are not available");
        }
        return;
      }
      const platformId = await responder.finish(outcome.text);
      await recordOutbound(database.db, conversation, {
        role: "assistant",
        content: outcome.text,
        platformMessageId: platformId,
        turnId,
      });
      await transitionTurn(database.db, turnId, ["running"], {
        status: "completed",
        state: outcome.state as unknown as Record<string, unknown>,
        finishedAt: new Date(),
      });
      turnLog.info("turn completed", {
        iterations: outcome.state.iterations,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      await this.#fail(turnId, conversation, error, responder, turnLog);
    } finally {
      unsubscribe();
      if (this.#running.get(conversation.id) === controller) this.#running.delete(conversation.id);
    }
  }

  async #fail(
    turnId: string,
    conversation: Conversation,
    error: unknown,
    responder: Responder,
    turnLog: Logger,
  ): Promise<void> {
    const cancelled = error instanceof AppError && error.code === "cancelled";
    const code = error instanceof AppError ? error.code : "internal";
    const text = ownerMessageFor(error);
    if (cancelled) turnLog.info("turn cancelled");
    else turnLog.warn("turn failed", { code, error });
    try {
      await this.options.bus.emit({
        type: "turn-error",
        turnId,
        conversationId: conversation.id,
        code,
        message: text,
      });
      await transitionTurn(this.options.database.db, turnId, ["running", "awaiting_approval"], {
        status: cancelled ? "cancelled" : "failed",
        error: error instanceof Error ? error.message : String(error),
        finishedAt: new Date(),
      });
      const platformId = await responder.notice(text);
      await recordOutbound(this.options.database.db, conversation, {
        role: "system",
        content: text,
        platformMessageId: platformId,
        turnId,
      });
    } catch (reportError) {
      turnLog.error("could not report a failed turn", { error: reportError });
    }
  }
}
