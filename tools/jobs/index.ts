/**
 * Container jobs from chat: host-backed tools over the `jobs` port
 * (src/plugin/ports/jobs-port.ts), offered only when a container engine answered at start-up
 * (src/host/job-tools.ts). job_run asks every time (run.ts); reading and cancelling do not.
 */
import type { JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { createJobCancelTool } from "./cancel.ts";
import { createJobRunTool } from "./run.ts";
import { createJobOutputTool, createJobStatusTool } from "./status.ts";

export function createJobTools(jobs: JobsPort): Tool[] {
  return [
    createJobRunTool(jobs),
    createJobStatusTool(jobs),
    createJobOutputTool(jobs),
    createJobCancelTool(jobs),
  ];
}
