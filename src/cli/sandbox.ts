/**
 * `ironclaw sandbox build`: imports the sandbox image (busybox-static root filesystem) into the
 * container engine DOCKER_HOST names, tagged by content; a second build of the same tree is a
 * no-op. `ironclaw sandbox status` shows the engine and the image jobs would run.
 */
import { type Environment, loadConfig } from "../config.ts";
import { describeError } from "../errors.ts";
import { detectEngine } from "../jobs/engine.ts";
import { readJobsConfig } from "../jobs/jobs-config.ts";
import { buildSandboxImage, resolveSandboxImage } from "../jobs/sandbox-image.ts";

export async function runSandboxCommand(
  args: readonly string[],
  env: Environment,
  print: (line: string) => void,
): Promise<number> {
  const [action = "status"] = args;
  if (action !== "build" && action !== "status") {
    print("Usage: ironclaw sandbox build | status");
    return 2;
  }
  const jobs = readJobsConfig(loadConfig({ env }));
  const detection = await detectEngine({ dockerHost: jobs.dockerHost });
  if (!detection.ok) {
    print(`container engine: ${detection.reason}`);
    return 1;
  }
  const { engine } = detection;
  print(`container engine: ${engine.name} ${engine.version} at ${engine.address}`);
  try {
    if (action === "build") {
      const built = await buildSandboxImage(engine.docker);
      print(
        `sandbox image: ${built.reference} (${built.created ? "built" : "already present"}, ${Math.round(built.archiveBytes / 1024)} KiB root filesystem)`,
      );
      return 0;
    }
    const image = await resolveSandboxImage(engine.docker, jobs.configuredImage);
    print(`sandbox image: ${image.reference}${image.builtIn ? "" : " (SANDBOX_IMAGE)"}`);
    return 0;
  } catch (error) {
    print(`sandbox image: ${describeError(error)}`);
    return 1;
  }
}
