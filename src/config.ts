/**
 * Configuration, read in exactly one place. Priority: environment > `ironclaw.toml` in
 * IRONCLAW_HOME > the encrypted secret store (secret variables only) > the settings table > defaults. The result is parsed once into a frozen, typed
 * object; a bad value throws a ConfigError naming the variable (start-up turns it into exit 2).
 *
 * Loading happens twice at start-up: first without settings (to find the database), then with
 * the settings table's rows (and the secret store's values) once the database is open.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { type LlmBackend, variableNames, variables } from "./config-variables.ts";
import { ConfigError } from "./errors.ts";

export type ConfigSource = "env" | "file" | "secret store" | "settings" | "default";
export type Environment = Record<string, string | undefined>;

export interface Config {
  readonly home: string;
  readonly configFile: string;
  readonly workspaceDir: string;
  readonly database: { readonly url?: string; readonly connectTimeoutMs: number };
  readonly llm: {
    readonly backend?: LlmBackend;
    readonly model?: string;
    readonly fallbacks: readonly { readonly backend: LlmBackend; readonly model: string }[];
    readonly timeoutMs: number;
    readonly callBudgetMs: number;
    readonly openaiApiKey?: string;
    readonly openaiBaseUrl?: string;
    readonly anthropicApiKey?: string;
    readonly anthropicBaseUrl?: string;
    readonly ollamaBaseUrl: string;
  };
  readonly agent: { readonly maxIterations: number; readonly maxMessageChars: number };
  readonly gateway: {
    readonly host: string;
    readonly port: number;
    readonly authToken?: string;
    readonly rateLimit: { readonly limit: number; readonly windowMs: number };
    readonly maxBodyBytes: number;
  };
  readonly heartbeat: {
    readonly enabled: boolean;
    readonly schedule: string;
    readonly channel?: string;
    readonly quietHours?: { readonly startMinute: number; readonly endMinute: number };
  };
  readonly timezone: string;
  readonly httpAllowHosts: readonly string[];
  readonly approvalTimeoutMs: number;
  readonly log: { readonly level: "debug" | "info" | "warn" | "error"; readonly format: "json" | "pretty" };
  /**
   * Every parsed value by variable name: `doctor`, and each channel's declaration
   * (channels/<name>/config.ts) reads its own variables from here.
   */
  readonly values: Readonly<Record<string, unknown>>;
  /** Where each set variable came from (for `doctor`). */
  readonly sources: Readonly<Record<string, ConfigSource>>;
  /** Non-fatal problems, e.g. unknown keys in ironclaw.toml. */
  readonly warnings: readonly string[];
}

export interface ConfigFile {
  path: string;
  values: Record<string, string>;
  warnings: string[];
}

export function resolveHome(env: Environment): string {
  const home = env.IRONCLAW_HOME?.trim();
  return home ? home : join(env.HOME ?? homedir(), ".ironclaw");
}

function stringifyTomlValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(stringifyTomlValue).join(",");
  return String(value);
}

/**
 * Reads `ironclaw.toml`. Keys are the variable names in any case (`llm_model = "…"`), or split
 * into tables (`[llm] model = "…"` is LLM_MODEL). Unknown keys become warnings; a syntax error
 * is a ConfigError naming the file and line.
 */
export function readConfigFile(home: string): ConfigFile {
  const path = join(home, "ironclaw.toml");
  const result: ConfigFile = { path, values: {}, warnings: [] };
  if (!existsSync(path)) return result;
  let document: Record<string, unknown>;
  try {
    document = parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0] ?? "syntax error";
      throw new ConfigError(path, `invalid TOML at line ${error.line}, column ${error.column}: ${reason}`, {
        cause: error,
      });
    }
    throw new ConfigError(path, "could not be read", { cause: error });
  }
  const visit = (table: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(table)) {
      const name = `${prefix}${key}`.toUpperCase().replaceAll("-", "_").replaceAll(".", "_");
      if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)) {
        visit(value as Record<string, unknown>, `${name}_`);
      } else if (variableNames.has(name) && name !== "IRONCLAW_HOME") {
        result.values[name] = stringifyTomlValue(value);
      } else {
        result.warnings.push(
          `${path}: unknown key "${prefix ? `${prefix.toLowerCase()}${key}` : key}" ignored`,
        );
      }
    }
  };
  visit(document, "");
  return result;
}

export interface LoadConfigOptions {
  env: Environment;
  /** Already read config file; read from IRONCLAW_HOME when omitted. */
  file?: ConfigFile;
  /** Rows of the settings table (variable name → raw value). */
  settings?: Record<string, string>;
  /** Secret variables stored in the encrypted store under their own name (src/secrets/config-source.ts). */
  storedSecrets?: Record<string, string>;
}

export function loadConfig(options: LoadConfigOptions): Config {
  const { env, settings = {}, storedSecrets = {} } = options;
  const home = resolveHome(env);
  const file = options.file ?? readConfigFile(home);
  const values = new Map<string, unknown>();
  const sources: Record<string, ConfigSource> = {};

  for (const spec of variables) {
    if (spec.name === "IRONCLAW_HOME") continue;
    const candidates: [ConfigSource, string | undefined][] = spec.envOnly
      ? [["env", env[spec.name]]]
      : [
          ["env", env[spec.name]],
          ["file", file.values[spec.name]],
          ["secret store", spec.secret ? storedSecrets[spec.name] : undefined],
          ["settings", settings[spec.name]],
          ["default", spec.default],
        ];
    const found = candidates.find(([, raw]) => raw !== undefined && raw.trim() !== "");
    if (!found) {
      if (spec.default === "") values.set(spec.name, spec.parse(""));
      continue;
    }
    const [source, raw] = found as [ConfigSource, string];
    try {
      values.set(spec.name, spec.parse(raw));
    } catch (error) {
      const where =
        source === "env" ? "" : source === "file" ? ` (in ${file.path})` : ` (from the ${source})`;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(spec.name, `${reason}${where}`, { cause: error });
    }
    sources[spec.name] = source;
  }

  const get = <T>(name: string): T => values.get(name) as T;
  const config: Config = {
    home,
    configFile: file.path,
    workspaceDir: join(home, "workspace"),
    database: { url: get("DATABASE_URL"), connectTimeoutMs: get("DATABASE_CONNECT_TIMEOUT") },
    llm: {
      backend: get("LLM_BACKEND"),
      model: get("LLM_MODEL"),
      fallbacks: get("LLM_FALLBACKS"),
      timeoutMs: get("LLM_TIMEOUT"),
      callBudgetMs: get("LLM_CALL_BUDGET"),
      openaiApiKey: get("OPENAI_API_KEY"),
      openaiBaseUrl: get("OPENAI_BASE_URL"),
      anthropicApiKey: get("ANTHROPIC_API_KEY"),
      anthropicBaseUrl: get("ANTHROPIC_BASE_URL"),
      ollamaBaseUrl: get("OLLAMA_BASE_URL"),
    },
    agent: { maxIterations: get("AGENT_MAX_ITERATIONS"), maxMessageChars: get("MAX_MESSAGE_CHARS") },
    gateway: {
      host: get("GATEWAY_HOST"),
      port: get("GATEWAY_PORT"),
      authToken: get("GATEWAY_AUTH_TOKEN"),
      rateLimit: get("GATEWAY_RATE_LIMIT"),
      maxBodyBytes: get("GATEWAY_MAX_BODY"),
    },
    heartbeat: {
      enabled: get("HEARTBEAT_ENABLED"),
      schedule: get("HEARTBEAT_SCHEDULE"),
      channel: get("HEARTBEAT_CHANNEL"),
      quietHours: get("HEARTBEAT_QUIET_HOURS"),
    },
    timezone: get("TZ"),
    httpAllowHosts: get("HTTP_ALLOW_HOSTS"),
    approvalTimeoutMs: get("APPROVAL_TIMEOUT"),
    log: { level: get("LOG_LEVEL"), format: get("LOG_FORMAT") },
    values: Object.fromEntries(values),
    sources,
    warnings: file.warnings,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
