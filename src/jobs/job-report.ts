/**
 * How a job reads for the model (JSON) and for the chat (a short message): status, exit code,
 * duration, the command, and the capped output. One module so both say the same thing.
 */
import type { Job } from "../db/jobs.ts";

export function jobView(job: Job, liveOutput?: string) {
  return {
    job_id: job.id,
    status: job.status,
    policy: job.policy,
    command: job.command,
    exit_code: job.exitCode,
    error: job.error ?? undefined,
    output_bytes: job.outputBytes,
    truncated: job.truncated,
    started_at: job.startedAt?.toISOString(),
    finished_at: job.finishedAt?.toISOString(),
    output: liveOutput ?? job.output ?? "",
  };
}

function duration(job: Job): string {
  if (!job.startedAt || !job.finishedAt) return "";
  const seconds = (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000;
  return ` after ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

/** The chat message for a job that finished after its turn ended. */
export function formatJobResultMessage(job: Job, maxOutputChars = 3000): string {
  const outcome =
    job.status === "succeeded"
      ? "succeeded"
      : `${job.status.replace("_", " ")}${job.error ? ` (${job.error})` : job.exitCode === null ? "" : ` (exit ${job.exitCode})`}`;
  const output = job.output ?? "";
  const shown = output.length > maxOutputChars ? `…${output.slice(output.length - maxOutputChars)}` : output;
  return [
    `Job ${job.id.slice(0, 8)} ${outcome}${duration(job)}:`,
    `$ ${job.command}`,
    shown.trim() ? `\`\`\`\n${shown.replaceAll("```", "ʼʼʼ").trimEnd()}\n\`\`\`` : "(no output)",
  ].join("\n");
}
