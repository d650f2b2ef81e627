/**
 * The job service behind the tools' `jobs` port (src/plugin/ports/jobs-port.ts): rows become
 * plain views, AppErrors the model can act on become JobRefusedError, and the shell classifier
 * is offered for approval prompts.
 */
import type Docker from "dockerode";
import type { Job } from "../db/jobs.ts";
import { AppError, describeError } from "../errors.ts";
import { JobRefusedError, type JobsPort, type JobView } from "../plugin/ports/jobs-port.ts";
import type { JobService } from "./job-service.ts";
import { resolveSandboxImage } from "./sandbox-image.ts";
import { classifyShellCommand } from "./shell-risk.ts";

function viewOf(job: Job, liveOutput?: string): JobView {
  return {
    id: job.id,
    status: job.status,
    policy: job.policy,
    command: job.command,
    exitCode: job.exitCode,
    ...(job.error ? { error: job.error } : {}),
    output: liveOutput ?? job.output ?? "",
    outputBytes: job.outputBytes,
    truncated: job.truncated,
    ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
  };
}

export interface JobsPortOptions {
  service: JobService;
  docker: Docker;
  configuredImage?: string;
  defaultTimeoutMs: number;
  waitMs?: number;
}

export function createJobsPort(options: JobsPortOptions): JobsPort {
  const { service } = options;
  return {
    timeouts: { defaultMs: options.defaultTimeoutMs, maxMs: 60 * 60_000 },
    waitMs: options.waitMs ?? 20_000,
    async start(request) {
      try {
        return viewOf(await service.start(request));
      } catch (error) {
        if (error instanceof AppError) throw new JobRefusedError(error.code, error.message);
        throw error;
      }
    },
    async waitFor(jobId, timeoutMs, signal) {
      const job = await service.waitFor(jobId, timeoutMs, signal);
      return job ? viewOf(job) : undefined;
    },
    async get(jobId) {
      const found = await service.get(jobId);
      return found ? viewOf(found.job, found.liveOutput) : undefined;
    },
    async cancel(jobId) {
      const job = await service.cancel(jobId);
      return job ? viewOf(job) : undefined;
    },
    async precheck() {
      try {
        await resolveSandboxImage(options.docker, options.configuredImage);
        return null;
      } catch (error) {
        return describeError(error);
      }
    },
    classify: classifyShellCommand,
  };
}
