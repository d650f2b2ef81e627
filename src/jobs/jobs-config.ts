/**
 * The container jobs' settings, taken from the parsed Config (the variables are declared in
 * src/config-variables.ts: DOCKER_HOST, AGENT_MAX_PARALLEL_JOBS, SANDBOX_IMAGE,
 * JOB_ALLOW_HOSTS) plus the egress allowlist's defaults: package registries, documentation,
 * GitHub, and the hosts of the configured LLM providers.
 */
import type { Config } from "../config.ts";

export interface JobsConfig {
  dockerHost?: string;
  maxParallel: number;
  configuredImage?: string;
  /** Hosts (or `*.` globs) jobs may reach through the egress proxy. */
  allowHosts: readonly string[];
}

export const defaultJobAllowHosts: readonly string[] = [
  "registry.npmjs.org",
  "registry.yarnpkg.com",
  "pypi.org",
  "files.pythonhosted.org",
  "crates.io",
  "index.crates.io",
  "static.crates.io",
  "proxy.golang.org",
  "sum.golang.org",
  "rubygems.org",
  "repo.maven.apache.org",
  "repo1.maven.org",
  "deb.debian.org",
  "dl-cdn.alpinelinux.org",
  "docs.python.org",
  "developer.mozilla.org",
  "docs.rs",
  "github.com",
  "api.github.com",
  "codeload.github.com",
  "raw.githubusercontent.com",
  "objects.githubusercontent.com",
];

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

export function readJobsConfig(config: Config): JobsConfig {
  const values = config.values;
  const llmHosts = [
    config.llm.openaiApiKey ? (hostOf(config.llm.openaiBaseUrl) ?? "api.openai.com") : undefined,
    config.llm.anthropicApiKey ? (hostOf(config.llm.anthropicBaseUrl) ?? "api.anthropic.com") : undefined,
  ].filter((host): host is string => host !== undefined);
  const extra = (values.JOB_ALLOW_HOSTS as string[] | undefined) ?? [];
  return {
    dockerHost: values.DOCKER_HOST as string | undefined,
    maxParallel: (values.AGENT_MAX_PARALLEL_JOBS as number | undefined) ?? 5,
    configuredImage: values.SANDBOX_IMAGE as string | undefined,
    allowHosts: [...new Set([...defaultJobAllowHosts, ...llmHosts, ...extra])],
  };
}
