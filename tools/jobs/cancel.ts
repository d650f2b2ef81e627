/**
 * job_cancel: stop a running job (SIGTERM, then SIGKILL). It only ever takes work away, so it is
 * `never` tier; a job that already ended is reported as it ended.
 */
import type { JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { defineJobIdTool, result, unknownJob, view } from "./support.ts";

export function createJobCancelTool(jobs: JobsPort): Tool {
  return defineJobIdTool({
    name: "job_cancel",
    description: "Stop a running container job.",
    risk: "write",
    async run(jobId) {
      const cancelled = await jobs.cancel(jobId);
      if (cancelled) return result(view(cancelled, 1000));
      const job = await jobs.get(jobId);
      return job ? result({ ...view(job, 1000), note: "the job had already ended" }) : unknownJob(jobId);
    },
  });
}
