/**
 * The `jobs` port: what the container job tools (tools/jobs/) may ask of the host's job service
 * (src/jobs/jobs-port.ts implements it). The tools keep their descriptions, approval tiers and
 * how results read; the host keeps the engine, the image, the policies, the limits and the cap.
 *
 * Example:
 *   const job = await jobs.start({ command: "ls -la", policy: "read-only", conversationId, turnId });
 *   const done = await jobs.waitFor(job.id, 20_000); // undefined: still running
 */

export type JobPolicyName = "read-only" | "workspace-write" | "full-access";

export interface JobView {
  id: string;
  status: "starting" | "running" | "succeeded" | "failed" | "timed_out" | "cancelled" | "lost";
  policy: JobPolicyName;
  command: string;
  exitCode: number | null;
  error?: string;
  /** Capped output: head and tail, with a marker where bytes were dropped. */
  output: string;
  outputBytes: number;
  truncated: boolean;
  startedAt?: string;
  finishedAt?: string;
}

export interface JobStartRequest {
  command: string;
  policy: JobPolicyName;
  timeoutMs?: number;
  conversationId: string;
  turnId: string;
}

/** A rejection for the model (cap reached, no image): `code` says which. */
export class JobRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "JobRefusedError";
  }
}

export interface JobsPort {
  /** Resolves once the container runs; rejects with JobRefusedError when it cannot. */
  start(request: JobStartRequest): Promise<JobView>;
  /**
   * The finished job, or undefined while it still runs after `timeoutMs` or once `signal` aborts
   * (the turn was cancelled: the job goes on, and its result is posted to the chat when it ends).
   */
  waitFor(jobId: string, timeoutMs: number, signal?: AbortSignal): Promise<JobView | undefined>;
  get(jobId: string): Promise<JobView | undefined>;
  cancel(jobId: string): Promise<JobView | undefined>;
  /** Why a job could not start right now (no sandbox image), or null. */
  precheck(): Promise<string | null>;
  /** Marks obviously destructive commands for the approval prompt. */
  classify(command: string): { level: "normal" | "destructive"; reasons: string[] };
  /** Default and largest timeout, in milliseconds. */
  readonly timeouts: { defaultMs: number; maxMs: number };
  /** How long job_run waits for a result before answering "running" (the turn is not held). */
  readonly waitMs: number;
}
