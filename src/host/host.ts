/**
 * The composition root of the running assistant minus process concerns: the plugin registry
 * (channels and tools, with their identities), event bus and persistence, the agent, approvals,
 * the inbound pipeline and the scheduler. It lives beside `app.ts`, above `core`, because it
 * wires every layer together; `app.ts` builds it after the database and config are ready, tests
 * build it directly with fakes at the network edge. Each channel starts with its own
 * ChannelHost, which stamps the registered id on everything the channel hands in.
 */
import { createRoutineTools } from "../../tools/routines/index.ts";
import { createSecretRequestTool } from "../../tools/secret-request/index.ts";
import { AgentService } from "../agent/agent-service.ts";
import { AgentEventBus } from "../agent/events.ts";
import { createTurnRecorder } from "../agent/recorder.ts";
import { recoverAfterRestart } from "../agent/recovery.ts";
import type { Responder } from "../agent/responder.ts";
import { ToolRunner } from "../agent/tool-runner.ts";
import { seedWorkspace } from "../agent/workspace.ts";
import { loadFingerprintKey } from "../approvals/fingerprint.ts";
import { createApprovalGate } from "../approvals/policy.ts";
import { ApprovalService } from "../approvals/service.ts";
import type { Config } from "../config.ts";
import { createCommands } from "../core/commands.ts";
import { createInboundPipeline } from "../core/inbound.ts";
import { KeyedQueue } from "../core/keyed-queue.ts";
import { createOwnerCheck, createOwnerIdentityCache, createStrangerReply } from "../core/owner.ts";
import { createChangeFeed } from "../db/change-feed.ts";
import type { DatabaseHandle } from "../db/client.ts";
import { createActiveConversationCache } from "../db/conversation-cache.ts";
import { type Conversation, getConversation } from "../db/conversations.ts";
import { createSettingsCache } from "../db/settings.ts";
import type { LlmClient } from "../llm/types.ts";
import type { Logger } from "../log.ts";
import { startHostMemory } from "../memory/host-memory.ts";
import type { Channel, ChannelHealth } from "../plugin/channel.ts";
import { createChannelHost } from "../plugin/channel-host.ts";
import type { ToolPorts } from "../plugin/ports/index.ts";
import type { HostSurfaceChannel } from "../plugin/registry.ts";
import type { Tool } from "../plugin/tool.ts";
import { createToolBuildFeature } from "../plugin/wasm/self-build/host-setup.ts";
import { guardChannel } from "../safety/chat-guard.ts";
import { presentToolOutput } from "../safety/injection.ts";
import { createSafetyLayer } from "../safety/safety-layer.ts";
import { createRoutinesPort } from "../scheduler/routines-port.ts";
import { Scheduler } from "../scheduler/scheduler.ts";
import { createSecretRequestService } from "../secrets/secret-requests.ts";
import type { SecretStore } from "../secrets/store.ts";
import { settleWithin } from "../timeout.ts";
import { createActionDecider, createDecisionCommands } from "./approval-decisions.ts";
import { createHostPorts } from "./host-ports.ts";
import { hostToolNames } from "./host-tool-names.ts";
import type { InstalledTools } from "./installed-tools.ts";
import { createJobFeature, type JobEngineSetup } from "./job-tools.ts";
import { registerPlugins } from "./register-plugins.ts";
import { createResponderRouter } from "./responders.ts";
import { createSkillsFeature } from "./skills-setup.ts";
import { startChannelContained } from "./start-channel.ts";
import type { WasmChannelSet } from "./wasm-channels.ts";

export interface HostOptions {
  config: Config;
  database: DatabaseHandle;
  log: Logger;
  llm: LlmClient | null;
  llmDescription: string;
  noLlmMessage: string;
  tools: readonly Tool[];
  /** Tools the owner installed: behind `tool_search` once there are many tools (agent/tool-offer.ts). */
  installedTools?: readonly Tool[];
  /**
   * The owner's installed WASM tools from the database (installed-tools.ts): loaded before the
   * registry is filled, then kept in step with the change feed while the host runs.
   */
  installedToolSet?: InstalledTools;
  /** The owner's installed WASM channels (wasm-channels.ts): loaded and registered at start. */
  wasmChannels?: WasmChannelSet;
  /** The container engine found at start-up (job-tools.ts); without it no job tool is offered. */
  /** The detected container engine, or its detection still under way. */
  jobEngine?: JobEngineSetup | Promise<JobEngineSetup>;
  /** The capabilities tools receive; default built from config (HTTP_ALLOW_HOSTS, the workspace). */
  toolPorts?: ToolPorts;
  /**
   * The chat channels to run: plugins register under their own `id` (a reserved, malformed or
   * duplicate id is refused); a built-in the wiring marked with `asHostSurface` (the terminal)
   * registers as one of the host's surfaces, the owner by construction.
   */
  channels: readonly (Channel | HostSurfaceChannel)[];
  /** Clock for approval expiry (tests). */
  now?: () => Date;
  /** Compact the history sent to the LLM above this many (estimated) tokens. */
  historyBudgetTokens?: number;
  /** Streaming edit interval for chat replies. */
  streamIntervalMs?: number;
  /** Scheduler timers (tests with a controllable clock turn them off and call `scheduler.tick()`). */
  schedulerTimers?: boolean;
  /**
   * Delivery for host surfaces that are not channels, by conversation channel: the HTTP API's
   * threads (`api`) are reached through the gateway's thread feed, not a chat platform.
   */
  surfaces?: Readonly<Record<string, (conversation: Conversation) => Responder>>;
  /** How long one channel's `start()` may take before it is reported failed (default 60 s). */
  channelStartTimeoutMs?: number;
  /** The stored secrets' values for the leak detector (the secret store's cached list). */
  storedSecretValues?: () => readonly string[];
  /**
   * The encrypted secret store: with it the default tool ports inject mapped credentials at the
   * HTTP boundary (src/secrets/injector.ts) and `secrets.exists` answers from it.
   */
  secretStore?: SecretStore;
  /** The gateway's base URL once it listens: `secret_request` links point there. */
  gatewayUrl?: () => string | undefined;
}

export type Host = Awaited<ReturnType<typeof createHost>>;

export async function createHost(options: HostOptions) {
  const { config, database, log } = options;
  const bus = new AgentEventBus((error, event) =>
    log.warn("event listener failed", { event: event.type, error }),
  );
  bus.subscribe(createTurnRecorder(database.db));
  seedWorkspace(config.workspaceDir);
  // The workspace lives in the database (src/memory/): prompt files, notes, search, compaction notes.
  const memory = await startHostMemory({
    config,
    database,
    log: log.child({ component: "memory" }),
    now: options.now,
  });
  // Leak scans and injection defences at every boundary (src/safety/safety-layer.ts).
  const safety = createSafetyLayer({
    config,
    db: database.db,
    log: log.child({ component: "safety" }),
    storedSecretValues: options.storedSecretValues,
  });
  // Guarded HTTP, credential injection and secrets.exists for tools, plugins and jobs alike.
  const hostPorts = createHostPorts({
    config,
    database,
    log,
    safety,
    secretStore: options.secretStore,
    now: options.now,
  });
  // secret_request sends its one-time link straight to the owner's chat, never through the model.
  const secretRequests = options.secretStore
    ? createSecretRequestService({
        db: database.db,
        store: options.secretStore,
        gatewayUrl: options.gatewayUrl ?? (() => undefined),
        deliver: async (conversationId, text) => {
          const conversation = await getConversation(database.db, conversationId);
          const channel = conversation && channels.get(conversation.channel);
          if (!conversation || !channel) return false;
          await channel.send({ chatId: conversation.chatId }, { text });
          return true;
        },
        now: options.now,
      })
    : undefined;
  const installedTools = [
    ...(options.installedTools ?? []),
    ...((await options.installedToolSet?.loadAll()) ?? []),
  ];
  // Container jobs: events on the bus; a result that outlives its turn is posted to its chat.
  // An engine still being detected (app.ts passes a promise: asking Podman takes ~0.5 s) does not
  // hold up start-up: its tools join the registry when the answer comes (see start()).
  const pendingEngine = options.jobEngine instanceof Promise ? options.jobEngine : undefined;
  const createJobs = (setup: JobEngineSetup | undefined) =>
    createJobFeature({
      setup,
      config,
      db: database.db,
      log,
      emit: (event) => bus.emit(event),
      credentials: hostPorts.credentials,
      deliver: async (conversationId, text) => {
        const conversation = await getConversation(database.db, conversationId);
        if (conversation) await responderFor(conversation).notice(text);
      },
    });
  let jobs = createJobs(options.jobEngine instanceof Promise ? undefined : options.jobEngine);
  // tool_build needs installed WASM tools to install into; it checks names against the runner.
  const toolBuildTools = (installed: InstalledTools | undefined): Tool[] =>
    installed
      ? [
          createToolBuildFeature({
            db: database.db,
            log,
            reservedNames: hostToolNames(),
            values: config.values,
            isOtherTool: (name) => runner.get(name) !== undefined,
            afterInstall: () => installed.sync(),
          }),
        ]
      : [];
  // Skills load in the background (src/host/skills-setup.ts); the first turn waits for them.
  const skills = createSkillsFeature({ config, db: database.db, log });
  // Routine tools reach the scheduler lazily: it needs the pipeline, which needs the runner.
  const registry = registerPlugins({
    config,
    channels: options.channels,
    builtinTools: options.tools,
    hostTools: [
      ...createRoutineTools(createRoutinesPort(database.db, () => scheduler)),
      ...jobs.tools,
      ...memory.tools,
      ...(secretRequests ? [createSecretRequestTool(secretRequests.port)] : []),
      ...toolBuildTools(options.installedToolSet),
      ...skills.tools,
    ],
    installedTools,
    // Read at each search: tools installed while the host runs are found too.
    toolSearchCatalog: () => runner.deferredSpecs(),
  });
  const tools = registry.tools();
  const toolPorts = options.toolPorts ?? hostPorts.ports;
  const runner: ToolRunner = new ToolRunner(tools, log.child({ component: "tools" }), {
    ports: options.toolPorts ? toolPorts : { ...toolPorts, workspace: memory.workspace },
    deferredTools: installedTools.map((tool) => tool.name),
    resultHooks: [safety.toolResultHook],
    toolSource: (name) => registry.toolSource(name),
  });
  const queue = new KeyedQueue();
  await options.wasmChannels?.register(registry, toolPorts);
  const registered = registry.channels();
  // Everything the host sends to a chat goes through the chat screen; channels start unwrapped.
  const channels = new Map(
    registered.map((registration) => [
      registration.id,
      guardChannel(registration.channel, safety.chatScreen),
    ]),
  );
  // Hot lookups cached in memory, cleared by every change, this process's or another's.
  const changes = await createChangeFeed(database);
  const pairedOwner = createOwnerIdentityCache(database.db, changes);
  skills.attach(changes);
  // Tools installed, replaced or removed while the host runs are offered from the next LLM call.
  options.installedToolSet?.attach(
    {
      putTool: (tool) => {
        registry.putInstalledTool(tool);
        runner.putTool(tool);
      },
      removeTool: (name) => {
        registry.removeTool(name);
        runner.removeTool(name);
      },
    },
    changes,
    () => scheduler.poke(),
  );
  const isOwner = createOwnerCheck(registry, database.db, pairedOwner);
  const agent: AgentService = new AgentService({
    database,
    llm: options.llm,
    noLlmMessage: options.noLlmMessage,
    runner,
    gate: createApprovalGate(database.db, createSettingsCache(database.db, changes)),
    // Called only while turns run, after approvalService below exists.
    onPaused: (paused) => approvalService.onPaused(paused),
    bus,
    systemPrompt: memory.systemPrompt(changes),
    beforeCompaction: memory.beforeCompaction,
    maxIterations: config.agent.maxIterations,
    historyBudgetTokens: options.historyBudgetTokens,
    screenAnswer: safety.chatScreen,
    presentToolOutput,
    selectSkills: skills.selectSkills,
    log: log.child({ component: "agent" }),
  });

  const responderFor = createResponderRouter({
    routine: () => scheduler,
    surfaces: options.surfaces,
    channels,
    streamIntervalMs: options.streamIntervalMs,
    log,
  });

  const approvalService: ApprovalService = new ApprovalService({
    database,
    log: log.child({ component: "approvals" }),
    key: await loadFingerprintKey(database.db),
    timeoutMs: config.approvalTimeoutMs,
    agent,
    runner,
    queue,
    bus,
    isOwner,
    responderFor,
    channelFor: (id) => channels.get(id),
    now: options.now,
  });
  const commands = createCommands({
    db: database.db,
    agent,
    llmDescription: () => options.llmDescription,
    extra: createDecisionCommands(() => approvalService),
  });
  const pipeline = createInboundPipeline({
    db: database.db,
    log: log.child({ component: "inbound" }),
    isOwner,
    strangerReply: createStrangerReply(registry, database.db, pairedOwner),
    activeConversation: createActiveConversationCache(database.db, changes),
    sendDirect: async (channelId, chatId, text) => {
      await channels.get(channelId)?.send({ chatId }, { text });
    },
    maxMessageChars: config.agent.maxMessageChars,
    screenInbound: safety.inboundScreen,
    commands,
    queue,
    agent,
    responderFor,
  });

  let lateJobs: Promise<void> | undefined;
  let stopping = false;
  const scheduler: Scheduler = new Scheduler({
    db: database.db,
    log: log.child({ component: "scheduler" }),
    now: options.now,
    timezone: config.timezone,
    heartbeat: config.heartbeat,
    workspaceDir: config.workspaceDir,
    readHeartbeatDocument: async () => (await memory.memory.get("HEARTBEAT.md"))?.content,
    llm: options.llm,
    channelFor: (id) => channels.get(id),
    startTurn: (message) => pipeline.handle(message),
    timers: options.schedulerTimers,
  });

  const decideAction = createActionDecider(() => approvalService);
  const started: Channel[] = [];
  /** Channels whose start failed or timed out: unhealthy, with the reason, until the next start. */
  const failed = new Map<string, ChannelHealth>();
  return {
    agent,
    approvals: approvalService,
    bus,
    queue,
    pipeline,
    runner,
    channels,
    registry,
    responderFor,
    scheduler,
    /** One-time secret requests (the gateway serves their form); undefined without a secret store. */
    secretRequests,
    skills,
    /** The owner's memory documents and search (src/memory/memory.ts). */
    memory: memory.memory,
    /** Starts the channels, recovers what a crash left behind, then the scheduler. */
    async start(): Promise<void> {
      for (const { id, channel } of registered) {
        const channelLog = log.child({ channel: id });
        const channelHost = createChannelHost(
          { id },
          { onMessage: (message) => pipeline.handle(message), onAction: decideAction },
          channelLog,
        );
        const result = await startChannelContained(
          channel,
          channelHost,
          channelLog,
          options.channelStartTimeoutMs,
        );
        if (!result.ok) {
          failed.set(id, result.health);
          continue;
        }
        started.push(channel);
        log.info("channel started", { channel: id });
      }
      await recoverAfterRestart({ db: database.db, log, responderFor, redispatch: pipeline.redispatch });
      await approvalService.recover();
      approvalService.startSweeper();
      await scheduler.start();
      await jobs.start();
      lateJobs = pendingEngine?.then(async (setup) => {
        if (stopping) return;
        jobs = createJobs(setup);
        for (const tool of jobs.tools) {
          registry.addTool(tool, "host");
          runner.putTool(tool);
        }
        await jobs.start();
      });
    },
    health(): Record<string, ChannelHealth> {
      return {
        ...options.wasmChannels?.failures(),
        ...Object.fromEntries(failed),
        ...Object.fromEntries(started.map((channel) => [channel.id, channel.health?.() ?? { ok: true }])),
      };
    },
    /**
     * Stops intake, then waits for queued turns to finish (bounded by `graceMs`); turns still
     * running then are aborted and stored interrupted, for the restart to tell the owner.
     */
    async stop(graceMs = 10_000): Promise<void> {
      stopping = true;
      await lateJobs;
      approvalService.stopSweeper();
      await scheduler.stop(graceMs);
      for (const channel of started.splice(0).reverse()) {
        await channel
          .stop()
          .catch((error: unknown) => log.warn("channel stop failed", { channel: channel.id, error }));
      }
      const drained = await settleWithin(queue.drain(), graceMs);
      await agent.stop(graceMs);
      if (!drained) await settleWithin(queue.drain(), graceMs);
      await options.installedToolSet?.close();
      await options.wasmChannels?.close();
      await memory.stop();
      await jobs.stop();
      await skills.ready();
      await changes.close();
    },
  };
}
