/**
 * After a restart: every job row still `starting`/`running` is matched with the containers that
 * carry `ironclaw.job=<id>`. A running container is adopted (followed to its end with the time it
 * has left); a job without one, or whose container already exited while nobody watched, is
 * marked `lost` and its container removed; a labelled container with no active row is removed.
 * Nothing is left orphaned, and the owner hears about lost jobs through job-status events and
 * the chat.
 */
import type Docker from "dockerode";
import type { Database } from "../db/client.ts";
import { finishJob, listActiveJobs } from "../db/jobs.ts";
import type { Logger } from "../log.ts";
import type { JobEvent } from "./job-events.ts";
import type { JobService } from "./job-service.ts";
import { installIdOf, installLabel, jobLabel } from "./policies.ts";

export interface RecoveryOptions {
  db: Database;
  docker: Docker;
  /** Lists the labelled containers; default `docker.listContainers` (the host passes the engine's
   * dockerode-free one, so a start with nothing to reconcile never loads dockerode). */
  listContainers?: (options: { all?: boolean; filters?: string }) => Promise<Docker.ContainerInfo[]>;
  service: JobService;
  /** The install's workspace folder: only containers this install started are touched. */
  workspaceDir: string;
  log: Logger;
  emit?: (event: JobEvent) => void | Promise<void>;
  deliver?: (conversationId: string, text: string) => Promise<void>;
}

export interface RecoveryReport {
  adopted: string[];
  lost: string[];
  removedContainers: number;
}

export async function recoverJobs(options: RecoveryOptions): Promise<RecoveryReport> {
  const { db, docker, service, log } = options;
  const report: RecoveryReport = { adopted: [], lost: [], removedContainers: 0 };
  const list = options.listContainers ?? ((query) => docker.listContainers(query));
  const containers = await list({
    all: true,
    filters: JSON.stringify({ label: [jobLabel, `${installLabel}=${installIdOf(options.workspaceDir)}`] }),
  });
  const byJob = new Map(containers.map((container) => [container.Labels?.[jobLabel] ?? "", container]));
  const following = new Set(service.running());
  const active = await listActiveJobs(db);
  const activeIds = new Set(active.map((job) => job.id));

  for (const job of active) {
    if (following.has(job.id)) continue;
    const container = byJob.get(job.id);
    if (container && container.State === "running") {
      try {
        await service.adopt(job, container.Id);
        report.adopted.push(job.id);
        log.info("job re-adopted after restart", { job: job.id });
        await options.emit?.({
          type: "job-status",
          jobId: job.id,
          conversationId: job.conversationId ?? "",
          turnId: job.turnId ?? "",
          status: "running",
          detail: "followed again after a restart",
        });
        continue;
      } catch (error) {
        log.warn("job container could not be re-adopted", { job: job.id, error });
      }
    }
    const detail = container
      ? "its container ended while the assistant was not running; the output is lost"
      : "its container was gone after a restart";
    const lost = await finishJob(db, job.id, { status: "lost", error: detail });
    if (container) await removeContainer(docker, container.Id, report, log);
    if (!lost) continue;
    report.lost.push(job.id);
    await options.emit?.({
      type: "job-status",
      jobId: job.id,
      conversationId: job.conversationId ?? "",
      turnId: job.turnId ?? "",
      status: "lost",
      detail,
    });
    if (job.conversationId) {
      await options
        .deliver?.(job.conversationId, `Job ${job.id.slice(0, 8)} was lost: ${detail}.\n$ ${job.command}`)
        .catch((error: unknown) => log.warn("lost job not reported", { job: job.id, error }));
    }
  }
  for (const container of containers) {
    const jobId = container.Labels?.[jobLabel] ?? "";
    if (!activeIds.has(jobId) && !following.has(jobId))
      await removeContainer(docker, container.Id, report, log);
  }
  return report;
}

async function removeContainer(
  docker: Docker,
  id: string,
  report: RecoveryReport,
  log: Logger,
): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
    report.removedContainers += 1;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404)
      log.warn("orphaned job container not removed", { id, error });
  }
}
