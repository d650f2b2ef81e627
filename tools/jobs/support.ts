/**
 * What the job tools share: how a job reads for the model, the id check, and failures as
 * results (a refused start is something the model can act on, never a crash).
 */
import { JobRefusedError, type JobView } from "../../src/plugin/ports/jobs-port.ts";
import type { ToolResult } from "../../src/plugin/tool.ts";

export const jobIdParameter = { type: "string", description: "the job_id job_run returned" } as const;

export function isJobId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function result(value: unknown): ToolResult {
  return { content: JSON.stringify(value) };
}

export function failure(error: unknown): ToolResult {
  if (error instanceof JobRefusedError)
    return { content: JSON.stringify({ error: error.code, message: error.message }), isError: true };
  return {
    content: JSON.stringify({
      error: "job_failed",
      message: error instanceof Error ? error.message : String(error),
    }),
    isError: true,
  };
}

export function unknownJob(jobId: string): ToolResult {
  return { content: JSON.stringify({ error: "not_found", message: `no job ${jobId}` }), isError: true };
}

/** The job for the model; `outputChars` bounds the output shown (the tail is kept). */
export function view(job: JobView, outputChars?: number) {
  const output =
    outputChars !== undefined && job.output.length > outputChars
      ? `…${job.output.slice(job.output.length - outputChars)}`
      : job.output;
  return {
    job_id: job.id,
    status: job.status,
    policy: job.policy,
    command: job.command,
    exit_code: job.exitCode,
    ...(job.error ? { error: job.error } : {}),
    output_bytes: job.outputBytes,
    truncated: job.truncated,
    ...(job.startedAt ? { started_at: job.startedAt } : {}),
    ...(job.finishedAt ? { finished_at: job.finishedAt } : {}),
    output,
  };
}
