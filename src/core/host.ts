/**
 * The running assistant minus process concerns: event bus and persistence, tools, the agent,
 * the inbound pipeline and the channels. `app.ts` builds it after the database and config are
 * ready; tests build it directly with fakes at the network edge.
 */
import { AgentService, type PausedTurn } from "../agent/agent-service.ts";
import { AgentEventBus } from "../agent/events.ts";
import type { GateVerdict } from "../agent/loop.ts";
import { createTurnRecorder } from "../agent/recorder.ts";
import { recoverAfterRestart } from "../agent/recovery.ts";
import type { Responder } from "../agent/responder.ts";
import { type PreparedCall, ToolRunner } from "../agent/tool-runner.ts";
import { createSystemPromptBuilder, seedWorkspace } from "../agent/workspace.ts";
import type { Config } from "../config.ts";
import type { DatabaseHandle } from "../db/client.ts";
import type { Conversation } from "../db/conversations.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import type { ActionResult, ApprovalAction, Channel, ChannelHealth } from "../plugin/channel.ts";
import type { Tool } from "../plugin/tool.ts";
import { createChannelResponder } from "./channel-responder.ts";
import { createCommands } from "./commands.ts";
import { type CommandHandler, createInboundPipeline } from "./inbound.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import { createOwnerCheck } from "./owner.ts";

export interface HostOptions {
  config: Config;
  database: DatabaseHandle;
  log: Logger;
  llm: LlmClient | null;
  llmDescription: string;
  noLlmMessage: string;
  tools: readonly Tool[];
  channels: readonly Channel[];
  /** Approval policy; without one, calls that need approval are refused. */
  gate?: (prepared: PreparedCall) => Promise<GateVerdict>;
  onPaused?: (paused: PausedTurn) => Promise<void>;
  onAction?: (action: ApprovalAction) => Promise<ActionResult>;
  extraCommands?: Readonly<Record<string, CommandHandler>>;
  /** Streaming edit interval for chat replies. */
  streamIntervalMs?: number;
}

function refuseUnapproved(prepared: PreparedCall): Promise<GateVerdict> {
  if (!prepared.tool || prepared.tool.approval === "never") return Promise.resolve({ action: "run" });
  return Promise.resolve({
    action: "refuse",
    reason: `The tool ${prepared.tool.name} needs the owner's approval, and approvals are not available here, so it was not run.`,
  });
}

export type Host = Awaited<ReturnType<typeof createHost>>;

export async function createHost(options: HostOptions) {
  const { config, database, log } = options;
  const bus = new AgentEventBus((error, event) =>
    log.warn("event listener failed", { event: event.type, error }),
  );
  bus.subscribe(createTurnRecorder(database.db));
  seedWorkspace(config.workspaceDir);
  const runner = new ToolRunner(options.tools, log.child({ component: "tools" }));
  const agent = new AgentService({
    database,
    llm: options.llm,
    noLlmMessage: options.noLlmMessage,
    runner,
    gate: options.gate ?? refuseUnapproved,
    onPaused: options.onPaused,
    bus,
    systemPrompt: createSystemPromptBuilder(config.workspaceDir),
    maxIterations: config.agent.maxIterations,
    log: log.child({ component: "agent" }),
  });
  const queue = new KeyedQueue();
  const channels = new Map(options.channels.map((channel) => [channel.id, channel]));

  const responderFor = (conversation: Conversation): Responder => {
    const channel = channels.get(conversation.channel);
    if (!channel) {
      return {
        onDelta: () => {},
        finish: async () => undefined,
        notice: async (text) => {
          log.warn("no channel to deliver to", { channel: conversation.channel, text: text.slice(0, 80) });
          return undefined;
        },
      };
    }
    return createChannelResponder(
      channel,
      { chatId: conversation.chatId },
      {
        intervalMs: options.streamIntervalMs,
        log: log.child({ channel: channel.id }),
      },
    );
  };

  const commands = createCommands({
    db: database.db,
    agent,
    llmDescription: () => options.llmDescription,
    extra: options.extraCommands,
  });
  const pipeline = createInboundPipeline({
    db: database.db,
    log: log.child({ component: "inbound" }),
    isOwner: createOwnerCheck(config, database.db),
    maxMessageChars: config.agent.maxMessageChars,
    commands,
    queue,
    agent,
    responderFor,
  });

  const started: Channel[] = [];
  return {
    agent,
    bus,
    queue,
    pipeline,
    runner,
    channels,
    responderFor,
    /** Starts the channels, then recovers what a crash left behind. */
    async start(): Promise<void> {
      for (const channel of options.channels) {
        await channel.start({
          log: log.child({ channel: channel.id }),
          onMessage: (message) => pipeline.handle(message),
          onAction: (action) =>
            options.onAction?.(action) ??
            Promise.resolve({ ok: false, notice: "Approvals are not available." }),
        });
        started.push(channel);
        log.info("channel started", { channel: channel.id });
      }
      await recoverAfterRestart({ db: database.db, log, responderFor, redispatch: pipeline.redispatch });
    },
    health(): Record<string, ChannelHealth> {
      return Object.fromEntries(started.map((channel) => [channel.id, channel.health?.() ?? { ok: true }]));
    },
    /** Stops intake, then waits for queued turns to finish (bounded by `graceMs`). */
    async stop(graceMs = 10_000): Promise<void> {
      for (const channel of started.splice(0).reverse()) {
        await channel
          .stop()
          .catch((error: unknown) => log.warn("channel stop failed", { channel: channel.id, error }));
      }
      await Promise.race([queue.drain(), Bun.sleep(graceMs)]);
    },
  };
}
