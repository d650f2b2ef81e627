/**
 * Container jobs, end to end: claim a slot in the database (the parallel-jobs cap holds across
 * racing starts and processes, src/db/jobs.ts), start the container under the job's policy,
 * follow it to its end, store the outcome once, announce it on the event bus, and — when the
 * job outlived the turn that started it — post the result to that chat. The rows are the truth:
 * `recoverJobs` (job-recovery.ts) reconciles them with the engine's containers after a restart.
 *
 * Contract: `start` resolves once the container runs (or throws an AppError: job_limit_reached,
 * sandbox_image_missing, engine_unavailable); it never waits for the job to finish. A tool that
 * wants the result soon calls `waitFor`; while such a waiter exists, the result is not posted
 * to the chat (the waiter reports it).
 */
import type Docker from "dockerode";
import type { Database } from "../db/client.ts";
import { claimJobSlot, finishJob, getJob, type Job, markJobReported, markJobRunning } from "../db/jobs.ts";
import type { JobPolicy } from "../db/schema/jobs.ts";
import { AppError, describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { adoptContainer, type ContainerRun, type RunOptions, startContainer } from "./container-run.ts";
import type { JobEvent } from "./job-events.ts";
import { formatJobResultMessage } from "./job-report.ts";
import { buildContainerSpec, type JobLimits, type ProxySetup } from "./policies.ts";
import { resolveSandboxImage } from "./sandbox-image.ts";

/** The egress proxy as the service sees it: one setup per job, closed when the job ends. */
export interface JobProxy {
  open(jobId: string): Promise<{
    setup: ProxySetup;
    /** Called once the container runs, with its first process id (the egress forwarder). */
    attach?(containerPid: number): Promise<void>;
    close(): Promise<void>;
  }>;
}

export interface JobServiceOptions {
  db: Database;
  docker: Docker;
  log: Logger;
  workspaceDir: string;
  limits: JobLimits;
  maxParallel: number;
  /** SANDBOX_IMAGE: run this image instead of the built sandbox. */
  configuredImage?: string;
  proxy?: JobProxy;
  emit?: (event: JobEvent) => void | Promise<void>;
  /** Posts a finished job's result to the chat of the conversation that started it. */
  deliver?: (conversationId: string, text: string) => Promise<void>;
  stopGraceSeconds?: number;
  /** The engine understands the `U` bind option (Podman); default true. */
  chownMounts?: boolean;
}

export interface StartJobRequest {
  command: string;
  policy: JobPolicy;
  timeoutMs?: number;
  conversationId?: string;
  turnId?: string;
}

interface Tracked {
  run: ContainerRun;
  settled: Promise<Job | undefined>;
  waiters: number;
}

export type JobService = ReturnType<typeof createJobService>;

export function createJobService(options: JobServiceOptions) {
  const { db, docker, log, limits } = options;
  const tracked = new Map<string, Tracked>();
  const detach = new AbortController();

  const emit = (event: JobEvent) => {
    Promise.resolve(options.emit?.(event)).catch((error: unknown) =>
      log.warn("job event listener failed", { event: event.type, error }),
    );
  };
  const ids = (job: Job) => ({
    jobId: job.id,
    conversationId: job.conversationId ?? "",
    turnId: job.turnId ?? "",
  });

  const runOptions = (job: Job): RunOptions => {
    let lastEmit = 0;
    return {
      docker,
      timeoutMs: job.timeoutMs,
      outputBytes: limits.outputBytes,
      stopGraceSeconds: options.stopGraceSeconds,
      memoryLimitBytes: limits.memoryBytes,
      signal: detach.signal,
      onOutput: (chunk) => {
        const now = Date.now();
        if (now - lastEmit < 500) return;
        lastEmit = now;
        emit({ type: "job-output", ...ids(job), text: new TextDecoder().decode(chunk.subarray(0, 2048)) });
      },
    };
  };

  /** Follows a running container to its end; the row is finished once, then reported. */
  const track = (job: Job, run: ContainerRun, closeProxy?: () => Promise<void>): void => {
    const entry: Tracked = { run, waiters: 0, settled: Promise.resolve(undefined) };
    entry.settled = run.done.then(async (outcome) => {
      await closeProxy?.().catch((error: unknown) =>
        log.warn("job proxy close failed", { job: job.id, error }),
      );
      if (outcome.status === "detached") return undefined;
      const finished = await finishJob(db, job.id, {
        status: outcome.status,
        exitCode: outcome.exitCode,
        output: outcome.output.text,
        outputBytes: outcome.output.bytes,
        truncated: outcome.output.truncated,
        error: outcome.error,
      }).catch((error: unknown) => {
        log.error("job outcome not stored", { job: job.id, error });
        return undefined;
      });
      tracked.delete(job.id);
      const final = finished ?? (await getJob(db, job.id).catch(() => undefined));
      if (!final) return undefined;
      log.info("job finished", { job: job.id, status: final.status, exitCode: final.exitCode });
      emit({
        type: "job-result",
        ...ids(final),
        status: final.status,
        exitCode: final.exitCode,
        output: final.output ?? "",
        ...(final.error ? { error: final.error } : {}),
      });
      if (entry.waiters === 0) void report(final);
      return final;
    });
    tracked.set(job.id, entry);
  };

  const report = async (job: Job): Promise<void> => {
    if (!job.conversationId || !options.deliver) return;
    try {
      if (!(await markJobReported(db, job.id))) return;
      await options.deliver(job.conversationId, formatJobResultMessage(job));
    } catch (error) {
      log.warn("job result not delivered", { job: job.id, error });
    }
  };

  return {
    async start(request: StartJobRequest): Promise<Job> {
      const image = await resolveSandboxImage(docker, options.configuredImage).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw new AppError(
          "engine_unavailable",
          `the container engine does not answer: ${describeError(error)}`,
          {
            cause: error,
          },
        );
      });
      const timeoutMs = Math.min(request.timeoutMs ?? limits.timeoutMs, 60 * 60_000);
      const job = await claimJobSlot(
        db,
        { ...request, timeoutMs, image: image.reference },
        options.maxParallel,
      );
      if (!job) {
        throw new AppError(
          "job_limit_reached",
          `${options.maxParallel} jobs are already running (AGENT_MAX_PARALLEL_JOBS); wait for one or cancel it`,
        );
      }
      let proxy: Awaited<ReturnType<JobProxy["open"]>> | undefined;
      let run: ContainerRun | undefined;
      try {
        if (request.policy !== "full-access" && options.proxy) proxy = await options.proxy.open(job.id);
        const spec = buildContainerSpec({
          jobId: job.id,
          command: request.command,
          policy: request.policy,
          imageId: image.id,
          workspaceDir: options.workspaceDir,
          limits: { ...limits, timeoutMs },
          proxy: proxy?.setup,
          chownMounts: options.chownMounts,
        });
        run = await startContainer(spec, runOptions(job));
        // Followed from here on, so a failure below still stops and removes the container.
        track(job, run, proxy?.close);
        if (proxy?.attach) {
          // Without its forwarder the job simply has no network; it still runs.
          const attach = proxy.attach;
          await docker
            .getContainer(run.containerId)
            .inspect()
            .then((state) => attach(state.State.Pid))
            .catch((error: unknown) => log.warn("job egress not attached", { job: job.id, error }));
        }
        const running = await markJobRunning(db, job.id, run.containerId);
        if (!running) run.cancel();
        emit({ type: "job-started", ...ids(job), command: job.command, policy: job.policy });
        log.info("job started", { job: job.id, policy: job.policy, image: image.reference });
        return (await getJob(db, job.id)) ?? job;
      } catch (error) {
        run?.cancel();
        if (!run) await proxy?.close().catch(() => {});
        const message = `the container did not start: ${describeError(error)}`;
        await finishJob(db, job.id, { status: "failed", error: message }).catch(() => {});
        throw new AppError("engine_unavailable", message, { cause: error });
      }
    },

    /**
     * The finished job, or undefined if it is still running after `timeoutMs` or when `signal`
     * aborts; either way this waiter is gone, so the job's end is posted to its chat instead.
     */
    async waitFor(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<Job | undefined> {
      const entry = tracked.get(jobId);
      if (!entry) {
        const job = await getJob(db, jobId);
        return job && job.status !== "running" && job.status !== "starting" ? job : undefined;
      }
      if (signal?.aborted) return undefined;
      entry.waiters += 1;
      // Giving up (timeout or abort) counts this waiter out, so the job's end goes to the chat;
      // a job that ends first is this waiter's to report.
      let giveUp = () => {};
      const gaveUp = new Promise<"timeout">((resolve) => {
        giveUp = () => {
          entry.waiters -= 1;
          resolve("timeout");
        };
      });
      const timer = setTimeout(giveUp, timeoutMs);
      signal?.addEventListener("abort", giveUp, { once: true });
      const result = await Promise.race([entry.settled, gaveUp]);
      clearTimeout(timer);
      signal?.removeEventListener("abort", giveUp);
      if (result === "timeout" || result === undefined) return undefined;
      await markJobReported(db, jobId).catch(() => false);
      return result;
    },

    async get(jobId: string): Promise<{ job: Job; liveOutput?: string } | undefined> {
      const job = await getJob(db, jobId);
      if (!job) return undefined;
      const entry = tracked.get(jobId);
      return entry ? { job, liveOutput: entry.run.output().text } : { job };
    },

    /** Stops a running job (SIGTERM, then SIGKILL); resolves with the finished row. */
    async cancel(jobId: string): Promise<Job | undefined> {
      const entry = tracked.get(jobId);
      if (entry) {
        entry.waiters += 1;
        entry.run.cancel();
        const final = await entry.settled;
        if (final) await markJobReported(db, jobId).catch(() => false);
        return final;
      }
      return finishJob(db, jobId, { status: "cancelled", error: "cancelled" });
    },

    /** Re-attaches a container a previous process started (job-recovery.ts). */
    async adopt(job: Job, containerId: string): Promise<void> {
      const elapsed = Date.now() - (job.startedAt ?? job.createdAt).getTime();
      const run = await adoptContainer(containerId, job.timeoutMs - elapsed, runOptions(job));
      track(job, run);
    },

    running: () => [...tracked.keys()],

    /**
     * Host shutdown: stops following the containers without stopping them, so the next start
     * re-adopts them (their rows stay `running`).
     */
    async detach(): Promise<void> {
      detach.abort();
      await Promise.all([...tracked.values()].map((entry) => entry.settled.catch(() => undefined)));
      tracked.clear();
    },
  };
}
