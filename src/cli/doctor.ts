/**
 * `ironclaw doctor`: what IronClaw would run with — the effective configuration (secrets masked)
 * and where each value came from (`[secret store]` for one kept encrypted), the database and
 * whether it answers, the secret store's master key, the LLM, and each
 * channel as its declaration (channels/<name>/config.ts) sees it: who the owner is when it is
 * on, the variable that is missing when it is off.
 */
import { existsSync } from "node:fs";
import { channelEntries, channelOwnerId, describeChannels } from "../../channels/index.ts";
import { type Config, type Environment, loadConfig, readConfigFile, resolveHome } from "../config.ts";
import { maskSecret, maskUrl } from "../config-parse.ts";
import { variables } from "../config-variables.ts";
import { openDatabase } from "../db/open.ts";
import { readSettings } from "../db/settings.ts";
import { AppError, describeError } from "../errors.ts";
import { findLooseModes, formatMode } from "../home.ts";
import { describeJobEngine, detectJobEngine } from "../host/job-tools.ts";
import { createLogger } from "../log.ts";
import { describeVectorSupport } from "../memory/vector-advice.ts";
import { missingToolchain } from "../plugin/wasm/build/toolchain.ts";
import { readStoredConfigSecrets } from "../secrets/config-source.ts";
import { createSecretStore } from "../secrets/store.ts";
import { describeSecretStore } from "./doctor-secrets.ts";
import { describeInstalledWasmChannels } from "./doctor-wasm-channels.ts";
import { describeInstalledWasmTools } from "./doctor-wasm-tools.ts";

function displayValue(name: string, value: unknown, secret: boolean): string {
  if (value === undefined) return "(unset)";
  if (secret && typeof value === "string")
    return name === "DATABASE_URL" ? maskUrl(value) : maskSecret(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

export interface DoctorOptions {
  env: Environment;
  print: (line: string) => void;
  /** Extra lines about the LLM set-up (filled in by the caller that knows the providers). */
  describeLlm?: (config: Config) => Promise<string[]>;
}

/** Prints the report; returns false when something needs fixing (database unreachable). */
export async function runDoctor(options: DoctorOptions): Promise<boolean> {
  const { env, print } = options;
  const file = readConfigFile(resolveHome(env));
  let config = loadConfig({ env, file });
  let healthy = true;

  print("IronClaw doctor");
  print("");
  print("Data folder");
  for (const line of describeHomePermissions(config.home)) print(`  ${line}`);

  print("");
  print("Database");
  const backend = config.database.url
    ? `PostgreSQL ${maskUrl(config.database.url)}`
    : `embedded PGlite in ${config.home}/pgdata`;
  print(`  backend: ${backend}`);
  let secretStoreLines = ["unknown (the database is not reachable)"];
  let wasmToolLines = ["unknown (the database is not reachable)"];
  let wasmChannelLines = wasmToolLines;
  try {
    const database = await openDatabase(config, createLogger({ level: "error" }));
    try {
      const store = createSecretStore({
        db: database.db,
        home: config.home,
        environmentKey: env.IRONCLAW_MASTER_KEY,
      });
      const stored = await readStoredConfigSecrets(store);
      config = loadConfig({
        env,
        file,
        settings: await readSettings(database.db),
        storedSecrets: stored.values,
      });
      print("  status: connected, schema up to date");
      print(`  vectors: ${await describeVectorSupport(database, config.values.EMBEDDING_BACKEND)}`);
      const report = await describeSecretStore(store, database.db, config.home);
      secretStoreLines = [...report.lines, ...stored.problems.map((problem) => `warning: ${problem}`)];
      healthy &&= report.healthy;
      wasmToolLines = await describeInstalledWasmTools(database.db);
      wasmChannelLines = await describeInstalledWasmChannels(database.db);
    } finally {
      await database.close();
    }
  } catch (error) {
    if (error instanceof AppError && error.code === "database_in_use") {
      print(`  status: ${error.message.replace(/^the embedded database \S+ is /, "")}`);
    } else {
      healthy = false;
      print(`  status: NOT OK — ${describeError(error)}`);
    }
  }

  print("");
  print("Secret store");
  for (const line of secretStoreLines) print(`  ${line}`);

  print("");
  print("WASM tools");
  for (const line of wasmToolLines) print(`  ${line}`);
  // tool_build and `tools build` need the toolchain; say so here rather than at the first build.
  print(`  build toolchain: ${missingToolchain() ?? "ok (componentize-qjs)"}`);

  print("");
  print("Running assistant");
  for (const line of await describeRunningInstance(config)) print(`  ${line}`);

  print("");
  print("LLM");
  for (const line of (await options.describeLlm?.(config)) ?? []) print(`  ${line}`);

  print("");
  print("Container jobs");
  for (const line of await describeJobEngine(await detectJobEngine(config))) print(`  ${line}`);

  print("");
  print("Channels");
  for (const channel of describeChannels(config)) {
    if (!channel.enabled) {
      print(`  ${channel.id}: disabled (${channel.reason})`);
      continue;
    }
    const ownerVariable = channelEntries.find((entry) => entry.config.id === channel.id)?.config
      .ownerIdVariable;
    const owner = channelOwnerId(config.values, channel.id);
    print(`  ${channel.id}: enabled (owner: ${owner ? `${ownerVariable}` : "whoever pairs"})`);
  }
  print("");
  print("WASM channels");
  for (const line of wasmChannelLines) print(`  ${line}`);

  print("");
  print(`Configuration (${config.configFile}${existsSync(config.configFile) ? "" : ", not present"})`);
  for (const spec of variables) {
    const value = spec.name === "IRONCLAW_HOME" ? config.home : config.values[spec.name];
    const source =
      spec.name === "IRONCLAW_HOME" ? (env.IRONCLAW_HOME ? "env" : "default") : config.sources[spec.name];
    print(
      `  ${spec.name.padEnd(26)} ${displayValue(spec.name, value, spec.secret === true)}${source ? `  [${source}]` : ""}`,
    );
  }
  for (const warning of config.warnings) print(`  warning: ${warning}`);
  return healthy;
}

/** Owner-only is the rule for IRONCLAW_HOME (tokens, keys, the database); says what breaks it. */
function describeHomePermissions(home: string): string[] {
  if (!existsSync(home)) return [`${home}: not created yet (it will be created owner-only, 0700)`];
  const loose = findLooseModes(home, { limit: 6, reachableOnly: true });
  if (loose.length === 0) return [`${home}: owner-only`];
  const shown = loose.slice(0, 5).map((entry) => `${entry.path} (${formatMode(entry.mode)})`);
  return [
    `warning: ${home} has entries other users can read or write: ${shown.join(", ")}${loose.length > 5 ? ", …" : ""}`,
    `fix: start ironclaw once (it tightens them), or run chmod -R go-rwx ${home}`,
  ];
}

/** Asks a running assistant's /readyz (its live channel health); a short timeout keeps doctor quick. */
async function describeRunningInstance(config: Config): Promise<string[]> {
  const host = config.gateway.host.includes(":") ? `[${config.gateway.host}]` : config.gateway.host;
  const url = `http://${host}:${config.gateway.port}/readyz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1500) });
    const body = (await response.json()) as {
      ok?: boolean;
      checks?: Record<string, { ok: boolean; detail?: string }>;
    };
    return [
      `${url}: ${body.ok ? "ready" : "NOT ready"}`,
      ...Object.entries(body.checks ?? {}).map(
        ([name, check]) =>
          `${name}: ${check.ok ? "ok" : "NOT OK"}${check.detail ? ` (${check.detail})` : ""}`,
      ),
    ];
  } catch {
    return [`not running (no answer at ${url})`];
  }
}
