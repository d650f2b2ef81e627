/**
 * job_run: run a shell command in the container sandbox. It is `always` tier — every job asks,
 * showing the exact command, the policy and the timeout, with obviously destructive commands
 * marked, and `full-access` spelled out (the host's filesystem and the open network). It waits a
 * little for the result; a longer job answers "running" at once and its result is posted to
 * this chat when it ends (job_status / job_output read it meanwhile), so no turn is held.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { JobPolicyName, JobsPort } from "../../src/plugin/ports/jobs-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";
import { failure, result, view } from "./support.ts";

const policyNotes: Record<JobPolicyName, string> = {
  "read-only": "workspace read-only, network only through the allowlisted proxy",
  "workspace-write": "workspace read-write, network only through the allowlisted proxy",
  "full-access": "⚠ FULL ACCESS: the host's whole filesystem (at /host) and unrestricted network",
};

export function createJobRunTool(jobs: JobsPort): Tool {
  const maxSeconds = Math.floor(jobs.timeouts.maxMs / 1000);
  return defineTool({
    name: "job_run",
    description:
      "Run a shell command (busybox sh) in an isolated container with the owner's workspace at /workspace. The owner approves every run. Returns the output, or a job_id while it still runs (the result then comes to this chat).",
    risk: "exec",
    approval: "always",
    timeoutMs: jobs.waitMs + 60_000,
    parameters: {
      type: "object",
      properties: {
        command: { type: "string", description: "shell command, run with sh -c in /workspace" },
        policy: {
          type: "string",
          enum: ["read-only", "workspace-write", "full-access"],
          description: "default read-only; full-access only when truly needed",
        },
        timeout_seconds: { type: "integer", minimum: 1, maximum: maxSeconds, description: "default 120" },
      },
      required: ["command"],
      additionalProperties: false,
    },
    precheck: async (params) => {
      if (!params.command.trim()) return "command is empty";
      return jobs.precheck();
    },
    summarize: (params) => {
      const policy = params.policy ?? "read-only";
      const seconds = params.timeout_seconds ?? Math.round(jobs.timeouts.defaultMs / 1000);
      const risk = jobs.classify(params.command);
      return [
        `run in the sandbox (${policy}: ${policyNotes[policy]}; timeout ${seconds} s):`,
        `$ ${params.command}`,
        ...(risk.level === "destructive" ? [`⚠ destructive: ${risk.reasons.join("; ")}`] : []),
      ].join("\n");
    },
    async execute(params, context) {
      try {
        const started = await jobs.start({
          command: params.command,
          policy: params.policy ?? "read-only",
          timeoutMs: params.timeout_seconds === undefined ? undefined : params.timeout_seconds * 1000,
          conversationId: context.conversationId,
          turnId: context.turnId,
        });
        const finished = await jobs.waitFor(started.id, jobs.waitMs, context.signal);
        if (finished) return { ...result(view(finished)), isError: finished.status !== "succeeded" };
        return result({
          ...view(started),
          status: "running",
          note: "still running; its result will be posted to this chat when it ends (job_status, job_output, job_cancel meanwhile)",
        });
      } catch (error) {
        return failure(error);
      }
    },
  });
}
