/**
 * What the job tools share: how a job reads for the model, the id check, and failures as
 * results (a refused start is something the model can act on, never a crash).
 */

import { defineTool } from "../../src/plugin/define-tool.ts";
import { JobRefusedError, type JobView } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool, ToolResult } from "../../src/plugin/tool.ts";

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

/**
 * A job tool that takes only `job_id`: checks the id, runs `run`, and turns a failure into an
 * error result. job_status, job_output and job_cancel differ only in what `run` does.
 */
export function defineJobIdTool(definition: {
  name: string;
  description: string;
  risk: "read" | "write";
  run(jobId: string): Promise<ToolResult>;
}): Tool {
  return defineTool({
    name: definition.name,
    description: definition.description,
    risk: definition.risk,
    offer: "on-search",
    approval: "never",
    parameters: {
      type: "object",
      properties: { job_id: jobIdParameter },
      required: ["job_id"],
      additionalProperties: false,
    },
    async execute(params) {
      if (!isJobId(params.job_id)) return unknownJob(params.job_id);
      try {
        return await definition.run(params.job_id);
      } catch (error) {
        return failure(error);
      }
    },
  });
}
