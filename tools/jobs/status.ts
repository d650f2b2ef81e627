/**
 * job_status and job_output read a job (its row, or the live output while it runs): reading is
 * `never` tier. job_status shows the last part of the output; job_output the whole capped text.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, isJobId, jobIdParameter, result, unknownJob, view } from "./support.ts";

export function createJobStatusTool(jobs: JobsPort): Tool {
  return defineTool({
    name: "job_status",
    description: "Status of a container job: running or how it ended, exit code, the last lines of output.",
    risk: "read",
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
        const job = await jobs.get(params.job_id);
        return job ? result(view(job, 1000)) : unknownJob(params.job_id);
      } catch (error) {
        return failure(error);
      }
    },
  });
}

export function createJobOutputTool(jobs: JobsPort): Tool {
  return defineTool({
    name: "job_output",
    description: "The output of a container job so far (head and tail kept when it was long).",
    risk: "read",
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
        const job = await jobs.get(params.job_id);
        return job ? result(view(job)) : unknownJob(params.job_id);
      } catch (error) {
        return failure(error);
      }
    },
  });
}
