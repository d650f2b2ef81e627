/**
 * What container jobs announce on the agent's event bus (and so on the HTTP event stream):
 * `job-started` once the container runs, `job-output` as output arrives (throttled, a short
 * excerpt), `job-status` on changes the owner cares about (lost, recovered), `job-result` once,
 * at the end. They carry the conversation and turn that started the job; the turn has usually
 * ended by then — a job does not hold its turn.
 */
import type { JobPolicy, JobStatus } from "../db/schema/jobs.ts";

export type JobEvent =
  | {
      type: "job-started";
      jobId: string;
      conversationId: string;
      turnId: string;
      command: string;
      policy: JobPolicy;
    }
  | { type: "job-output"; jobId: string; conversationId: string; turnId: string; text: string }
  | {
      type: "job-status";
      jobId: string;
      conversationId: string;
      turnId: string;
      status: JobStatus;
      detail?: string;
    }
  | {
      type: "job-result";
      jobId: string;
      conversationId: string;
      turnId: string;
      status: JobStatus;
      exitCode: number | null;
      /** The capped output (head and tail). */
      output: string;
      error?: string;
    };

export type JobEventListener = (event: JobEvent) => void | Promise<void>;
