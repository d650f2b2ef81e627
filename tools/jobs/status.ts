/**
 * job_status and job_output read a job (its row, or the live output while it runs): reading is
 * `never` tier. job_status shows the last part of the output; job_output the whole capped text.
 */
import type { JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { defineJobIdTool, result, unknownJob, view } from "./support.ts";

export function createJobStatusTool(jobs: JobsPort): Tool {
  return defineJobIdTool({
    name: "job_status",
    description: "Status of a container job: running or how it ended, exit code, the last lines of output.",
    risk: "read",
    async run(jobId) {
      const job = await jobs.get(jobId);
      return job ? result(view(job, 1000)) : unknownJob(jobId);
    },
  });
}

export function createJobOutputTool(jobs: JobsPort): Tool {
  return defineJobIdTool({
    name: "job_output",
    description: "The output of a container job so far (head and tail kept when it was long).",
    risk: "read",
    async run(jobId) {
      const job = await jobs.get(jobId);
      return job ? result(view(job)) : unknownJob(jobId);
    },
  });
}
