/**
 * The container suite runs on a real engine (Podman's Docker-compatible API in CI, started by
 * scripts/ci-podman.sh). A machine without one skips the suite and says why, once.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectEngine, type Engine } from "../../src/jobs/engine.ts";
import { buildSandboxImage, type SandboxImage } from "../../src/jobs/sandbox-image.ts";

export interface EngineFixture {
  engine: Engine;
  image: SandboxImage;
}

async function prepare(): Promise<EngineFixture | string> {
  const detection = await detectEngine({ dockerHost: process.env.DOCKER_HOST });
  if (!detection.ok) return detection.reason;
  try {
    const image = await buildSandboxImage(detection.engine.docker);
    return { engine: detection.engine, image };
  } catch (error) {
    return `the sandbox image cannot be built: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const prepared = await prepare();
if (typeof prepared === "string") {
  console.warn(`container suite skipped: ${prepared} (run scripts/ci-podman.sh and export DOCKER_HOST)`);
}

export const engineFixture: EngineFixture | undefined = typeof prepared === "string" ? undefined : prepared;
export const noEngine = engineFixture === undefined;

/** An owner-only workspace folder, like IRONCLAW_HOME/workspace. */
export function createWorkspace(): string {
  return mkdtempSync(join(tmpdir(), "ironclaw-job-workspace-"));
}
