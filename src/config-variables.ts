/**
 * Every configuration variable IronClaw understands: its name (a public contract, see
 * DESIGN.md), how to parse it, its default, and whether it is a secret. `config.ts` turns these
 * into the frozen Config; `doctor` and the README table list them from here. The host's own
 * variables are written here; each channel's come from its declaration (channels/index.ts).
 */
import { channelVariables } from "../channels/index.ts";
import {
  parseBoolean,
  parseByteSize,
  parseDuration,
  parseInteger,
  parseList,
  parseNonEmpty,
  parseOneOf,
  parseQuietHours,
  parseTimezone,
  parseUrl,
} from "./config-parse.ts";
import { parseRateLimit } from "./gateway/rate-limit.ts";
import type { ConfigVariable } from "./plugin/channel-config.ts";
import { compileSchedule } from "./scheduler/cron.ts";

export type VariableSpec = ConfigVariable;

export const llmBackends = ["openai", "anthropic", "ollama", "openai_compatible"] as const;
export type LlmBackend = (typeof llmBackends)[number];

function parseFallbacks(raw: string): { backend: LlmBackend; model: string }[] {
  const parseBackend = parseOneOf(llmBackends);
  return parseList(raw).map((entry) => {
    const colon = entry.indexOf(":");
    if (colon <= 0 || colon === entry.length - 1) {
      throw new Error(
        'must be a comma list of backend:model, e.g. "anthropic:claude-sonnet-4-5,ollama:llama3.2"',
      );
    }
    return { backend: parseBackend(entry.slice(0, colon)), model: entry.slice(colon + 1).trim() };
  });
}

export const variables: readonly VariableSpec[] = [
  {
    name: "IRONCLAW_HOME",
    doc: "Data folder: config file, embedded database, workspace",
    parse: parseNonEmpty,
    envOnly: true,
  },
  {
    name: "IRONCLAW_MASTER_KEY",
    doc: "Master key of the encrypted secret store (at least 32 characters); else the key file master.key in IRONCLAW_HOME",
    parse: parseNonEmpty,
    secret: true,
    envOnly: true,
  },
  {
    name: "DATABASE_URL",
    doc: "postgres:// URL of a PostgreSQL server; unset = embedded PGlite in IRONCLAW_HOME",
    parse: parseUrl(["postgres", "postgresql"]),
    secret: true,
  },
  {
    name: "DATABASE_CONNECT_TIMEOUT",
    doc: "How long start-up keeps retrying an unreachable DATABASE_URL",
    parse: parseDuration,
    default: "30s",
  },
  {
    name: "LLM_BACKEND",
    doc: "openai, anthropic, ollama or openai_compatible (default: whichever key is set, else a local Ollama)",
    parse: parseOneOf(llmBackends),
  },
  { name: "LLM_MODEL", doc: "Model id for the primary backend", parse: parseNonEmpty },
  {
    name: "LLM_FALLBACKS",
    doc: "Comma list of backend:model tried in order when the primary fails",
    parse: parseFallbacks,
    default: "",
  },
  { name: "LLM_TIMEOUT", doc: "Timeout of one LLM request", parse: parseDuration, default: "120s" },
  {
    name: "LLM_CALL_BUDGET",
    doc: "Longest one LLM call may take with all its retries and fallbacks; then the owner is told",
    parse: parseDuration,
    default: "5m",
  },
  {
    name: "OPENAI_API_KEY",
    doc: "OpenAI (or compatible server) API key",
    parse: parseNonEmpty,
    secret: true,
  },
  {
    name: "OPENAI_BASE_URL",
    doc: "Base URL of OpenAI or any OpenAI-compatible server",
    parse: parseUrl(["http", "https"]),
  },
  { name: "ANTHROPIC_API_KEY", doc: "Anthropic API key", parse: parseNonEmpty, secret: true },
  { name: "ANTHROPIC_BASE_URL", doc: "Base URL of the Anthropic API", parse: parseUrl(["http", "https"]) },
  {
    name: "OLLAMA_BASE_URL",
    doc: "Local Ollama server (no key needed)",
    parse: parseUrl(["http", "https"]),
    default: "http://127.0.0.1:11434",
  },
  {
    name: "AGENT_MAX_ITERATIONS",
    doc: "LLM calls one turn may make before it must answer",
    parse: parseInteger(1, 500),
    default: "25",
  },
  {
    name: "MAX_MESSAGE_CHARS",
    doc: "Longest inbound message accepted",
    parse: parseInteger(1, 1_000_000),
    default: "32000",
  },
  {
    name: "SKILLS_MAX_ACTIVE",
    doc: "Skills that may be active in one turn",
    parse: parseInteger(0, 20),
    default: "3",
  },
  {
    name: "SKILLS_MAX_CONTEXT_TOKENS",
    doc: "Estimated tokens of skill instructions one turn may carry",
    parse: parseInteger(0, 100_000),
    default: "4000",
  },
  {
    name: "CLAWHUB_REGISTRY",
    doc: "Skill registry base URL (`ironclaw skills search|install`, skill_search)",
    parse: parseUrl(["http", "https"]),
    default: "https://clawhub.ai",
  },
  {
    name: "TOOL_BUILD_MAX_ATTEMPTS",
    doc: "Builds tool_build may try in one turn before the model must stop",
    parse: parseInteger(1, 20),
    default: "3",
  },
  {
    name: "TOOL_BUILD_ALLOW_WILDCARD_HOSTS",
    doc: "Whether tools the agent builds may ask for *.example.com hosts (bare * is always refused)",
    parse: parseBoolean,
    default: "true",
  },
  // Each channel declares its own variables (channels/<name>/config.ts, listed in channels/index.ts).
  ...channelVariables,
  {
    name: "GATEWAY_HOST",
    doc: "Address the HTTP API listens on",
    parse: parseNonEmpty,
    default: "127.0.0.1",
  },
  {
    name: "GATEWAY_PORT",
    doc: "Port of the HTTP API (0 = any free port)",
    parse: parseInteger(0, 65535),
    default: "3000",
  },
  {
    name: "GATEWAY_AUTH_TOKEN",
    doc: "Bearer token of the HTTP API; generated and stored on first start when unset",
    parse: parseNonEmpty,
    secret: true,
  },
  {
    name: "GATEWAY_RATE_LIMIT",
    doc: 'Chat sends the HTTP API accepts per window, e.g. "30/60s"; only authenticated, well-formed sends count',
    parse: parseRateLimit,
    default: "30/60s",
  },
  {
    name: "GATEWAY_MAX_BODY",
    doc: 'Largest request body on any gateway route (API and webhooks), e.g. "1MiB"; larger is a 413',
    parse: parseByteSize(1024, 64 * 1024 * 1024),
    default: "1MiB",
  },
  { name: "HEARTBEAT_ENABLED", doc: "Run the heartbeat routine", parse: parseBoolean, default: "true" },
  {
    name: "HEARTBEAT_SCHEDULE",
    doc: "Cron expression of the heartbeat (5 or 6 fields, read in TZ)",
    parse: (raw) => {
      const expression = raw.trim().replace(/\s+/g, " ");
      try {
        compileSchedule(expression, "UTC");
      } catch (error) {
        throw new Error(error instanceof Error ? error.message : String(error));
      }
      return expression;
    },
    default: "*/30 * * * *",
  },
  {
    name: "HEARTBEAT_CHANNEL",
    doc: "Channel the heartbeat reports to (default: the owner's most recent)",
    parse: parseNonEmpty,
  },
  {
    name: "HEARTBEAT_QUIET_HOURS",
    doc: 'Local time range with no heartbeat messages, e.g. "22:00-07:00"',
    parse: parseQuietHours,
  },
  { name: "TZ", doc: "IANA timezone for schedules and quiet hours", parse: parseTimezone, default: "UTC" },
  {
    name: "HTTP_ALLOW_HOSTS",
    doc: "Comma list of private/loopback hosts the HTTP tools may reach",
    parse: parseList,
    default: "",
  },
  {
    name: "APPROVAL_TIMEOUT",
    doc: "How long a pending approval stays valid; expiry = deny",
    parse: parseDuration,
    default: "30m",
  },
  {
    name: "EMBEDDING_BACKEND",
    doc: "Memory embeddings: openai, ollama, openai_compatible, local (deterministic, offline) or none (full-text search only)",
    parse: parseOneOf(["openai", "ollama", "openai_compatible", "local", "none"] as const),
    default: "none",
  },
  { name: "EMBEDDING_MODEL", doc: "Embedding model id (default per backend)", parse: parseNonEmpty },
  {
    name: "EMBEDDING_DIMENSION",
    doc: "Dimension of the embedding model's vectors (default per backend)",
    parse: parseInteger(1, 16000),
  },
  {
    name: "EMBEDDING_BASE_URL",
    doc: "Base URL of the /v1/embeddings server (default: the backend's, OPENAI_BASE_URL or OLLAMA_BASE_URL)",
    parse: parseUrl(["http", "https"]),
  },
  {
    name: "LOG_LEVEL",
    doc: "debug, info, warn or error",
    parse: parseOneOf(["debug", "info", "warn", "error"] as const),
    default: "info",
  },
  {
    name: "LOG_FORMAT",
    doc: "json or pretty",
    parse: parseOneOf(["json", "pretty"] as const),
    default: "pretty",
  },
  {
    name: "DOCKER_HOST",
    doc: "Container engine for jobs (unix:///run/podman/podman.sock, tcp://…); unset = the usual Docker/Podman sockets",
    parse: parseNonEmpty,
  },
  {
    name: "AGENT_MAX_PARALLEL_JOBS",
    doc: "Container jobs running at once",
    parse: parseInteger(1, 100),
    default: "5",
  },
  {
    name: "SANDBOX_IMAGE",
    doc: "Image jobs run in instead of the built sandbox (`ironclaw sandbox build`)",
    parse: parseNonEmpty,
  },
  {
    name: "JOB_ALLOW_HOSTS",
    doc: "Comma list of extra hosts (globs like *.example.com) jobs may reach through the egress proxy",
    parse: parseList,
    default: "",
  },
];

export const variableNames: ReadonlySet<string> = new Set(variables.map((spec) => spec.name));
