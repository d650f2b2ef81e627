/**
 * job_cancel: stop a running job (SIGTERM, then SIGKILL). It only ever takes work away, so it is
 * `never` tier; a job that already ended is reported as it ended.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, isJobId, jobIdParameter, result, unknownJob, view } from "./support.ts";

export function createJobCancelTool(jobs: JobsPort): Tool {
  return defineTool({
    name: "job_cancel",
    description: "Stop a running container job.",
    risk: "write",
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
        const cancelled = await jobs.cancel(params.job_id);
        if (cancelled) return result(view(cancelled, 1000));
        const job = await jobs.get(params.job_id);
        return job
          ? result({ ...view(job, 1000), note: "the job had already ended" })
          : unknownJob(params.job_id);
      } catch (error) {
        return failure(error);
      }
    },
  });
}
