/**
 * Runs turns for conversations: creates the turn row, builds the context, drives the agent loop,
 * persists the outcome and hands the answer to the turn's Responder. One turn per conversation
 * at a time (callers queue through `KeyedQueue`); `/cancel` aborts the running one.
 *
 * `stop()` is the graceful shutdown: it fires every running turn's abort signal (the signal the
 * tool contract promises), and each aborted turn is stored `interrupted` with its checkpoint, so
 * the restart tells the owner and nothing runs twice. Messages that arrive while stopping are
 * left unhandled in the database; the restart answers them.
 */

import type { Responder } from "../core/responder.ts";
import type { DatabaseHandle } from "../db/client.ts";
import type { Conversation, StoredMessage } from "../db/conversations.ts";
import { startTurnWithHistory } from "../db/turn-start.ts";
import { createTurn } from "../db/turns.ts";
import { AppError } from "../errors.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import { storedCeiling as initialCeiling } from "../skills/attenuation.ts";
import { noTurnSkills, type SelectTurnSkills, withTurnSkills } from "../skills/turn-skills.ts";
import type { AgentEventBus } from "./events.ts";
import { buildHistory, type HistoryOptions, historyRange } from "./history.ts";
import { type GateVerdict, type LoopOutcome, type LoopState, runAgentLoop } from "./loop.ts";
import { RunningTurns } from "./running-turns.ts";
import type { PreparedCall, ToolRunner } from "./tool-runner.ts";
import { endTurnInterrupted, endTurnWithError } from "./turn-endings.ts";
import { checkpointTurn, transitionTurn } from "./turn-state.ts";

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
  systemPrompt: () => string | Promise<string>;
  maxIterations: number;
  historyBudgetTokens?: number;
  /** Keeps what a compaction is about to summarize away (history.ts `beforeCompaction`). */
  beforeCompaction?: HistoryOptions["beforeCompaction"];
  /**
   * The leak scan of a final answer, before it is sent, stored, or read back as history by a
   * later turn (a model that echoes a secret must not put it in the database or the next request).
   */
  screenAnswer?: (text: string, channel: string) => Promise<string>;
  /** How tool outputs are shown to the model (passed to the loop). */
  presentToolOutput?: (tool: string, content: string) => string;
  /**
   * The skills the owner's message selects (src/skills/turn-skills.ts): chosen once per turn,
   * stored in its loop state with the tool ceiling they set. Read at each turn, so a reload applies.
   */
  selectSkills?: SelectTurnSkills;
  log: Logger;
}

export class AgentService {
  readonly #running = new RunningTurns();

  constructor(private readonly options: AgentServiceOptions) {}

  /** Is a turn running for this conversation right now? */
  isBusy(conversationId: string): boolean {
    return this.#running.has(conversationId);
  }

  /** Aborts the conversation's running turn; false when none runs. */
  cancel(conversationId: string): boolean {
    return this.#running.cancel(conversationId);
  }

  /**
   * Graceful shutdown: no new turn starts, every running turn is aborted and stored as
   * interrupted. Resolves when they have settled (at most `graceMs`).
   */
  async stop(graceMs = 10_000): Promise<void> {
    const aborted = await this.#running.abortAll(graceMs);
    if (aborted > 0) this.options.log.info("aborted running turns", { turns: aborted });
  }

  /** Answers `trigger` (already stored) in `conversation`. Never throws: failures go to the owner. */
  async answer(conversation: Conversation, trigger: StoredMessage, responder: Responder): Promise<void> {
    const { database, log } = this.options;
    if (this.#running.stopping) {
      // Left unhandled on purpose: the restart's recovery answers it.
      log.info("not starting a turn while stopping", { conversation: conversation.id });
      return;
    }
    const { llm } = this.options;
    let turnId: string;
    let stored: StoredMessage[] | undefined;
    if (llm) {
      // One statement starts the turn, marks the trigger handled and reads the history.
      const started = await startTurnWithHistory(
        database.db,
        { conversationId: conversation.id, triggerMessageId: trigger.id },
        historyRange(conversation, trigger),
      );
      turnId = started.turnId;
      stored = started.history;
    } else {
      turnId = (
        await createTurn(database.db, { conversationId: conversation.id, triggerMessageId: trigger.id })
      ).id;
    }
    const turnLog = log.child({ conversation: conversation.id, turn: turnId, channel: conversation.channel });
    const ending = { turnId, conversation };
    if (!llm) {
      const error = new AppError("llm_not_configured", this.options.noLlmMessage);
      await endTurnWithError(this.#endingDeps, ending, error, responder, turnLog);
      return;
    }
    let initial: LoopState;
    try {
      const history = await buildHistory(database.db, conversation, trigger, {
        budgetTokens: this.options.historyBudgetTokens ?? 24_000,
        llm,
        stored,
        beforeCompaction: this.options.beforeCompaction,
      });
      initial = withTurnSkills(
        {
          messages: [{ role: "system", content: await this.options.systemPrompt() }, ...history],
          iterations: 0,
        },
        await this.#selectSkills(trigger.content, turnLog),
      );
    } catch (error) {
      await endTurnWithError(this.#endingDeps, ending, error, responder, turnLog);
      return;
    }
    await this.options.bus.emit({ type: "turn-start", turnId, conversationId: conversation.id });
    // No checkpoint yet: the turn's first stored state is its pause (a turn that ends without one
    // never stores its state: nothing resumes a finished turn, and its messages are stored rows).
    await this.#drive(turnId, conversation, initial, {}, responder, false);
  }

  /**
   * Runs (or resumes) the loop for a stored turn that is `running`. `decisions` maps approval
   * ids to what the owner decided; used when resuming after approvals. A turn resumed while the
   * host stops is interrupted before any stored call runs.
   */
  async drive(
    turnId: string,
    conversation: Conversation,
    state: LoopState,
    decisions: Record<string, "approved" | "denied" | "expired">,
    responder: Responder,
  ): Promise<void> {
    await this.#drive(turnId, conversation, state, decisions, responder, true);
  }

  /** `checkpoint`: store `state` first (a resumed turn); a fresh turn needs none. */
  async #drive(
    turnId: string,
    conversation: Conversation,
    state: LoopState,
    decisions: Record<string, "approved" | "denied" | "expired">,
    responder: Responder,
    checkpoint: boolean,
  ): Promise<void> {
    const { database, log, bus } = this.options;
    const turnLog = log.child({ conversation: conversation.id, turn: turnId, channel: conversation.channel });
    const slot = this.#running.begin(conversation.id);
    const unsubscribe = bus.subscribe((event) => {
      if (event.type === "text-delta" && event.turnId === turnId) responder.onDelta(event.text);
    });
    const started = performance.now();
    try {
      if (checkpoint && !(await checkpointTurn(database.db, turnId, state))) {
        turnLog.warn("turn is no longer running; not driving it");
        return;
      }
      if (slot.signal.aborted) throw new AppError("cancelled", "The turn was cancelled.");
      const outcome = await runAgentLoop(
        {
          llm: this.options.llm as LlmClient,
          runner: this.options.runner,
          gate: this.options.gate,
          emit: (event) => bus.emit(event),
          maxIterations: this.options.maxIterations,
          signal: slot.signal,
          log: turnLog,
          turnId,
          conversationId: conversation.id,
          presentToolOutput: this.options.presentToolOutput,
          // From the stored state (the loop re-derives it too): a resumed turn keeps its ceiling.
          ceiling: initialCeiling(state),
        },
        state,
        decisions,
      );
      if (outcome.status === "paused") {
        turnLog.info("turn paused for approval", { calls: outcome.asks.map((ask) => ask.call.name) });
        if (!this.options.onPaused) {
          throw new AppError("tool_failed", "a tool needs approval, but approvals are not available");
        }
        // The approval service stores the pause (running → awaiting_approval) with the approvals.
        await this.options.onPaused({ turnId, conversation, outcome, responder });
        return;
      }
      const answer = (await this.options.screenAnswer?.(outcome.text, conversation.channel)) ?? outcome.text;
      const platformId = await responder.finish(answer);
      // One statement: the reply and the completion. The loop state is not stored: it is the whole
      // history again (serializing it would cost every turn time and bytes in proportion to the
      // conversation), and nothing reads the state of a completed turn.
      await transitionTurn(database.db, turnId, "running", "completed", {
        finishedAt: new Date(),
        companions: {
          outbound: {
            conversation,
            values: { role: "assistant", content: answer, platformMessageId: platformId, turnId },
          },
        },
      });
      turnLog.info("turn completed", {
        iterations: outcome.state.iterations,
        latencyMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      const ending = { turnId, conversation };
      if (slot.abortCause() === "shutdown") await endTurnInterrupted(this.#endingDeps, ending, turnLog);
      else await endTurnWithError(this.#endingDeps, ending, error, responder, turnLog);
    } finally {
      unsubscribe();
      slot.release();
    }
  }

  /** A failing selection runs the turn without skills (and so without their context or ceiling). */
  async #selectSkills(text: string, turnLog: Logger) {
    if (!this.options.selectSkills) return noTurnSkills;
    try {
      const chosen = await this.options.selectSkills(text);
      if (chosen.skills.length > 0) {
        turnLog.info("skills active", {
          skills: chosen.skills.map((skill) => skill.name),
          ceiling: chosen.ceiling,
        });
      }
      return chosen;
    } catch (error) {
      turnLog.warn("skill selection failed; the turn runs without skills", { error });
      return noTurnSkills;
    }
  }

  get #endingDeps() {
    return { db: this.options.database.db, bus: this.options.bus };
  }
}
