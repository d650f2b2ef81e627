/**
 * Wires the assistant: config → database (migrate) → settings → LLM → agent → channels →
 * gateway, and takes it all down again in reverse order. `main.ts` handles the process (signals,
 * exit codes); this module is what tests start in-process.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createEnabledChannels, describeChannels } from "../channels/index.ts";
import { createBuiltinTools } from "../tools/index.ts";
import {
  type Config,
  type ConfigFile,
  type Environment,
  loadConfig,
  readConfigFile,
  resolveHome,
} from "./config.ts";
import { configuredSecrets } from "./config-secrets.ts";
import { type DatabaseHandle, pingDatabase } from "./db/client.ts";
import { openDatabase } from "./db/open.ts";
import { putSetting, readSettings } from "./db/settings.ts";
import { createHostApiRoutes } from "./gateway/host-api.ts";
import { type Gateway, startGateway } from "./gateway/server.ts";
import { createThreadFeed } from "./gateway/thread-feed.ts";
import { prepareHome } from "./home.ts";
import { createHost, type Host } from "./host/host.ts";
import { detectJobEngine } from "./host/job-tools.ts";
import { createInstalledChannelSet, createInstalledToolSet } from "./host/wasm-setup.ts";
import { createIdleCollector } from "./idle-collector.ts";
import { llmSetupHint, resolveLlmSetup } from "./llm/index.ts";
import { createLogger, type Logger } from "./log.ts";
import { createLogSink } from "./log-sink.ts";
import { isHostSurface } from "./plugin/registry.ts";
import { readStoredConfigSecrets } from "./secrets/config-source.ts";
import { createSecretRequestRoutes } from "./secrets/secret-request-routes.ts";
import { createSecretStore, type SecretStore } from "./secrets/store.ts";
import { createStartupPhases, type StartupPhases } from "./startup-phases.ts";

export interface App {
  config: Config;
  database: DatabaseHandle;
  host: Host;
  gateway: Gateway;
  log: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Environment;
  /** Lines for the owner (first-start token, "configure an LLM"); stderr by default. */
  notify?: (line: string) => void;
  log?: Logger;
  /** Open the terminal chat when no platform channel is configured (default: when stdin is a TTY). */
  interactive?: boolean;
  /** The process's terminal (tests pass streams): the chat's input and output, stderr for notices and logs. */
  terminal?: {
    input?: NodeJS.ReadableStream;
    output?: NodeJS.WritableStream;
    errors?: NodeJS.WritableStream;
  };
}

/** Loads config from env + file + settings, with the database opened in between. */
export async function loadFullConfig(
  env: Environment,
  log: Logger | undefined,
  /** Where the logger created here writes (when `log` is not given); stderr by default. */
  write?: (line: string) => void,
  /** Start-up marks `config`, `database` and `settings` here (startup-phases.ts). */
  phases?: StartupPhases,
): Promise<{
  config: Config;
  database: DatabaseHandle;
  file: ConfigFile;
  log: Logger;
  secrets: SecretStore;
  /** Secret variables that came from the store (for reloading the config). */
  storedSecrets: Record<string, string>;
}> {
  const file = readConfigFile(resolveHome(env));
  const bootConfig = loadConfig({ env, file });
  const bootLog = log ?? createLogger({ level: bootConfig.log.level, format: bootConfig.log.format, write });
  bootLog.addSecrets(configuredSecrets(bootConfig));
  prepareHome(bootConfig.home, bootLog);
  phases?.mark("config");
  const database = await openDatabase(bootConfig, bootLog);
  phases?.mark("database");
  try {
    const secrets = createSecretStore({
      db: database.db,
      home: bootConfig.home,
      environmentKey: env.IRONCLAW_MASTER_KEY,
    });
    const stored = await readStoredConfigSecrets(secrets);
    for (const problem of stored.problems) bootLog.warn(problem);
    const config = loadConfig({
      env,
      file,
      settings: await readSettings(database.db),
      storedSecrets: stored.values,
    });
    bootLog.addSecrets(configuredSecrets(config));
    bootLog.addSecrets(await secrets.listSecretValues());
    phases?.mark("settings");
    return { config, database, file, log: bootLog, secrets, storedSecrets: stored.values };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export async function startApp(options: StartOptions): Promise<App> {
  const phases = createStartupPhases();
  const errors = options.terminal?.errors ?? process.stderr;
  const notify = options.notify ?? ((line: string) => errors.write(`${line}\n`));
  // Log lines go to stderr until the terminal chat opens (if it does), then to a file.
  const logSink = options.log ? undefined : createLogSink((line) => errors.write(`${line}\n`));
  const loaded = await loadFullConfig(options.env, options.log, logSink?.write, phases);
  let { config } = loaded;
  const { database, log } = loaded;
  for (const warning of config.warnings) log.warn(warning);

  if (!config.gateway.authToken) {
    const token = randomBytes(24).toString("base64url");
    await putSetting(database.db, "GATEWAY_AUTH_TOKEN", token);
    config = loadConfig({
      env: options.env,
      file: loaded.file,
      settings: await readSettings(database.db),
      storedSecrets: loaded.storedSecrets,
    });
    log.addSecrets([token]);
    notify(`Generated an HTTP API token (shown once, stored in the settings table): ${token}`);
  }

  // Probing for a local Ollama (network) overlaps with loading the channels' SDKs (CPU).
  const llmSetup = resolveLlmSetup(config.llm, log.child({ component: "llm" }));
  llmSetup.catch(() => {}); // awaited below; a channel failing first must not leave it unhandled
  const jobEngine = detectJobEngine(config); // never rejects: no engine is a reason, not an error
  const channels = await createEnabledChannels(config, {
    interactive: options.interactive ?? Boolean(process.stdin.isTTY),
    terminal: { input: options.terminal?.input, output: options.terminal?.output },
  });
  // The terminal chat is the host surface channels/index.ts adds; its log lines go to a file.
  if (logSink && channels.some(isHostSurface)) {
    const logFile = join(config.home, "logs", "ironclaw.log");
    try {
      logSink.toFile(logFile);
      notify(`Logs are written to ${logFile} while you chat here.`);
    } catch (error) {
      log.warn("cannot write the log file; logging here", { path: logFile, error });
    }
  }

  for (const channel of describeChannels(config)) {
    if (!channel.enabled) log.info("channel off", { channel: channel.id, reason: channel.reason });
  }
  phases.mark("channels");

  const llm = await llmSetup;
  phases.mark("llm");
  const noLlmMessage = `${llmSetupHint} Run \`ironclaw doctor\` to see what is configured now.`;
  if (llm) log.info("LLM ready", { llm: llm.description });
  else notify(noLlmMessage);
  // Not awaited: the host adds the job tools when the engine answers (host.ts).
  const jobSetup = jobEngine.then((setup) => {
    if (setup.ok)
      log.info("container jobs ready", { engine: `${setup.engine.name} ${setup.engine.version}` });
    else if (setup.jobs.dockerHost) notify(`Container jobs are off: ${setup.reason}.`);
    else log.info("container jobs off", { reason: setup.reason });
    return setup;
  });

  // What the host says on API threads (restart notices too) goes out on the API's event stream.
  const feed = createThreadFeed();
  // Known once the gateway listens (after the host starts): secret_request links point there.
  let gatewayUrl: string | undefined;
  const host = await createHost({
    config,
    database,
    log,
    llm: llm?.client ?? null,
    llmDescription: llm?.description ?? "not configured",
    noLlmMessage,
    tools: createBuiltinTools(),
    jobEngine: jobSetup,
    channels,
    surfaces: { api: (conversation) => feed.responderFor(conversation.chatId) },
    secretStore: loaded.secrets,
    gatewayUrl: () => gatewayUrl,
    storedSecretValues: () => loaded.secrets.cachedSecretValues(),
    installedToolSet: createInstalledToolSet({ home: config.home, db: database.db, log }),
    wasmChannels: createInstalledChannelSet({
      home: config.home,
      db: database.db,
      log,
      revealSecret: (name) => loaded.secrets.reveal(name),
    }),
  });
  phases.mark("host");
  await host.start();
  phases.mark("host-start");

  const gateway = startGateway({
    host: config.gateway.host,
    port: config.gateway.port,
    log: log.child({ component: "gateway" }),
    maxBodyBytes: config.gateway.maxBodyBytes,
    routes: [
      async (request, url) => {
        const match = /^\/channels\/([a-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
        const channel = match ? host.channels.get(match[1] as string) : undefined;
        return channel?.handleHttp?.(request, match?.[2] ?? "/");
      },
      ...(host.secretRequests
        ? [createSecretRequestRoutes(host.secretRequests, log.child({ component: "secrets" }))]
        : []),
      ...createHostApiRoutes({ host, db: database.db, config, feed, log: log.child({ component: "api" }) }),
    ],
    readiness: async () => {
      const checks: Record<string, { ok: boolean; detail?: string }> = {};
      try {
        await pingDatabase(database);
        checks.database = { ok: true, detail: database.backend };
      } catch (error) {
        checks.database = { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
      for (const [id, health] of Object.entries(host.health())) checks[`channel:${id}`] = health;
      return { ok: Object.values(checks).every((check) => check.ok), checks };
    },
  });
  gatewayUrl = gateway.url;
  // Garbage from a burst of turns is given back once the process goes quiet (idle-collector.ts).
  const idleCollector = createIdleCollector();
  phases.mark("gateway");
  log.debug("start-up timings", phases.fields());
  // Ready: now import the LLM SDK (~100 ms) and load the skills (YAML, patterns: ~50 ms of CPU),
  // ahead of the first turn rather than before ready; a turn that comes first waits for them.
  llm?.load().catch((error: unknown) => log.warn("loading the LLM SDK failed", { error }));
  void host.skills.load();
  log.info("ready", { gateway: gateway.url, database: database.backend });

  let stopping: Promise<void> | undefined;
  return {
    config,
    database,
    host,
    gateway,
    log,
    stop: () => {
      stopping ??= (async () => {
        log.info("shutting down");
        await host.stop();
        await gateway.stop();
        idleCollector.stop();
        await database.close();
        log.info("stopped");
        logSink?.close();
      })();
      return stopping;
    },
  };
}
