/**
 * A job service on a real engine and a fresh test database, with the events and chat posts it
 * produces recorded, for the container suite.
 */
import type { DatabaseHandle } from "../../src/db/client.ts";
import type { JobEvent } from "../../src/jobs/job-events.ts";
import { createJobService, type JobProxy, type JobService } from "../../src/jobs/job-service.ts";
import { defaultJobLimits, type JobLimits } from "../../src/jobs/policies.ts";
import { silentLogger } from "../../src/log.ts";
import { createWorkspace, engineFixture } from "./engine-support.ts";

export interface JobHarness {
  service: JobService;
  events: JobEvent[];
  delivered: { conversationId: string; text: string }[];
  workspaceDir: string;
}

export function createJobHarness(
  database: DatabaseHandle,
  options: {
    limits?: Partial<JobLimits>;
    maxParallel?: number;
    workspaceDir?: string;
    proxy?: JobProxy;
  } = {},
): JobHarness {
  if (!engineFixture) throw new Error("no engine");
  const events: JobEvent[] = [];
  const delivered: { conversationId: string; text: string }[] = [];
  const workspaceDir = options.workspaceDir ?? createWorkspace();
  const service = createJobService({
    db: database.db,
    docker: engineFixture.engine.docker,
    log: silentLogger,
    workspaceDir,
    limits: { ...defaultJobLimits, memoryBytes: 256 * 1024 * 1024, timeoutMs: 30_000, ...options.limits },
    maxParallel: options.maxParallel ?? 5,
    stopGraceSeconds: 1,
    proxy: options.proxy,
    emit: (event) => {
      events.push(event);
    },
    deliver: async (conversationId, text) => {
      delivered.push({ conversationId, text });
    },
  });
  return { service, events, delivered, workspaceDir };
}
