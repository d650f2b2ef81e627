/**
 * Container jobs as the host sees them: `detectJobEngine` runs once at start-up (app.ts) and
 * never throws — without an engine the reason is told to the owner once and no job tool is
 * offered; `createJobFeature` (host.ts) builds the job service, its egress proxy and the four
 * tools over it, with events going to the agent's bus and late results to the chat. `start`
 * reconciles the jobs table with the engine (re-adopt or mark lost, remove orphans); `stop`
 * leaves running containers for the next start to pick up.
 */
import { join } from "node:path";
import { createJobTools } from "../../tools/jobs/index.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { describeError } from "../errors.ts";
import { loadEgressCa } from "../jobs/egress-ca.ts";
import { createEgressProxy, type EgressProxy } from "../jobs/egress-proxy.ts";
import { detectEngine, type Engine } from "../jobs/engine.ts";
import type { JobEvent } from "../jobs/job-events.ts";
import { recoverJobs } from "../jobs/job-recovery.ts";
import { createJobService } from "../jobs/job-service.ts";
import { type JobsConfig, readJobsConfig } from "../jobs/jobs-config.ts";
import { createJobsPort } from "../jobs/jobs-port.ts";
import { defaultJobLimits } from "../jobs/policies.ts";
import { resolveSandboxImage } from "../jobs/sandbox-image.ts";
import type { Logger } from "../log.ts";
import type { CredentialInjector } from "../plugin/ports/http/send-request.ts";
import type { Tool } from "../plugin/tool.ts";
import { hostMatches, mappingApplies } from "../secrets/mapping.ts";
import { listCredentialMappings } from "../secrets/mappings.ts";

export type JobEngineSetup =
  | { ok: true; engine: Engine; jobs: JobsConfig }
  | { ok: false; reason: string; jobs: JobsConfig };

export async function detectJobEngine(config: Config): Promise<JobEngineSetup> {
  const jobs = readJobsConfig(config);
  const detection = await detectEngine({ dockerHost: jobs.dockerHost });
  return detection.ok
    ? { ok: true, engine: detection.engine, jobs }
    : { ok: false, reason: detection.reason, jobs };
}

/** One line for doctor and the start-up log: engine, version, sandbox image. */
export async function describeJobEngine(setup: JobEngineSetup): Promise<string[]> {
  if (!setup.ok) return [`off: ${setup.reason}`];
  const { engine } = setup;
  const lines = [`engine: ${engine.name} ${engine.version} (API ${engine.apiVersion}) at ${engine.address}`];
  try {
    const image = await resolveSandboxImage(engine.docker, setup.jobs.configuredImage);
    lines.push(`sandbox image: ${image.reference}${image.builtIn ? "" : " (SANDBOX_IMAGE)"}`);
  } catch (error) {
    lines.push(`sandbox image: NOT READY — ${describeError(error)}`);
  }
  lines.push(`parallel jobs: at most ${setup.jobs.maxParallel}`);
  return lines;
}

export interface JobFeatureOptions {
  setup: JobEngineSetup | undefined;
  config: Config;
  db: Database;
  log: Logger;
  emit: (event: JobEvent) => void | Promise<void>;
  deliver: (conversationId: string, text: string) => Promise<void>;
  /**
   * The secret store's injector (src/secrets/injector.ts): the egress proxy adds mapped
   * credentials with it — to HTTPS requests (opened with the per-install CA) and to plain HTTP
   * only for HTTP_ALLOW_HOSTS.
   */
  credentials?: CredentialInjector;
}

/** Adapts the HTTP port's injector to the proxy: the headers it would set, and the secrets' names. */
function proxyInjection(db: Database, credentials: CredentialInjector) {
  return async (url: URL) => {
    const headers = new Headers();
    await credentials(url, headers);
    const added = [...headers.entries()];
    if (added.length === 0) return undefined;
    const names = (await listCredentialMappings(db))
      .filter((mapping) => mappingApplies(mapping, url))
      .map((mapping) => mapping.secret);
    return { name: [...new Set(names)].join(",") || "mapped credential", headers: Object.fromEntries(added) };
  };
}

/** Whether some credential mapping names `host` (its HTTPS is then opened by the proxy). */
async function hostHasMapping(db: Database, host: string): Promise<boolean> {
  return (await listCredentialMappings(db)).some((mapping) =>
    mapping.hosts.some((glob) => hostMatches(glob, host)),
  );
}

export interface JobFeature {
  tools: Tool[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobFeature(options: JobFeatureOptions): JobFeature {
  const { setup, config, log } = options;
  if (!setup?.ok) return { tools: [], start: async () => {}, stop: async () => {} };
  const { engine, jobs } = setup;
  const jobLog = log.child({ component: "jobs" });
  let proxy: EgressProxy | undefined;
  const credentials = options.credentials;
  // Opened with the first job, not at start: its CA (X.509 code, ~200 modules) and sockets cost
  // start-up time and memory an assistant that runs no job should not pay. A failure is retried
  // by the next job.
  let proxyReady: Promise<EgressProxy> | undefined;
  const openProxy = (): Promise<EgressProxy> => {
    proxyReady ??= (async () =>
      createEgressProxy({
        socketRoot: join(config.home, "run", "egress"),
        allowHosts: jobs.allowHosts,
        log: jobLog.child({ part: "egress-proxy" }),
        ...(credentials
          ? {
              inject: proxyInjection(options.db, credentials),
              // The per-install CA: in IRONCLAW_HOME, outside the workspace jobs see.
              interception: {
                ca: await loadEgressCa(join(config.home, "egress-ca")),
                interceptHost: (host: string) => hostHasMapping(options.db, host),
              },
            }
          : {}),
      }))().then(
      (created) => {
        proxy = created;
        return created;
      },
      (error: unknown) => {
        proxyReady = undefined;
        throw error;
      },
    );
    return proxyReady;
  };
  const service = createJobService({
    db: options.db,
    docker: engine.docker,
    log: jobLog,
    workspaceDir: config.workspaceDir,
    limits: defaultJobLimits,
    maxParallel: jobs.maxParallel,
    configuredImage: jobs.configuredImage,
    proxy: { open: async (jobId) => (await openProxy()).open(jobId) },
    chownMounts: engine.name.toLowerCase().includes("podman"),
    emit: options.emit,
    deliver: options.deliver,
  });
  const port = createJobsPort({
    service,
    docker: engine.docker,
    configuredImage: jobs.configuredImage,
    defaultTimeoutMs: defaultJobLimits.timeoutMs,
  });
  return {
    tools: createJobTools(port),
    async start() {
      try {
        const report = await recoverJobs({
          db: options.db,
          docker: engine.docker,
          listContainers: engine.listContainers,
          service,
          log: jobLog,
          workspaceDir: config.workspaceDir,
          emit: options.emit,
          deliver: options.deliver,
        });
        if (report.adopted.length + report.lost.length + report.removedContainers > 0) {
          jobLog.info("jobs recovered after restart", {
            adopted: report.adopted.length,
            lost: report.lost.length,
            removedContainers: report.removedContainers,
          });
        }
      } catch (error) {
        jobLog.warn("job recovery failed; running jobs may be reported lost later", { error });
      }
    },
    async stop() {
      await service.detach();
      await proxy?.close();
    },
  };
}
