/**
 * The container engine: dockerode against DOCKER_HOST (Docker, or Podman's Docker-compatible
 * API, which answers the same calls). Detection happens once at start-up and never throws: a
 * machine without an engine gets `{ ok: false, reason }`, the job tools are not offered and the
 * owner is told the reason once (src/host/job-tools.ts). Unset DOCKER_HOST tries the usual
 * sockets (Docker's, then rootful Podman's).
 */
import { existsSync } from "node:fs";
import type Docker from "dockerode";
import { describeError } from "../errors.ts";

export interface Engine {
  docker: Docker;
  /** "Docker Engine" or "Podman Engine". */
  name: string;
  version: string;
  apiVersion: string;
  /** Where it was reached, e.g. unix:///run/podman/podman.sock. */
  address: string;
}

export type EngineDetection = { ok: true; engine: Engine } | { ok: false; reason: string };

const wellKnownSockets = ["/var/run/docker.sock", "/run/podman/podman.sock"];

/** Connection options for dockerode from DOCKER_HOST (`unix://…`, `tcp://host:port`, `http://…`). */
export function engineAddress(
  dockerHost: string | undefined,
): { address: string; options: Docker.DockerOptions } | undefined {
  const raw = dockerHost?.trim();
  if (!raw) {
    const socketPath = wellKnownSockets.find((path) => existsSync(path));
    return socketPath ? { address: `unix://${socketPath}`, options: { socketPath } } : undefined;
  }
  if (raw.startsWith("unix://"))
    return { address: raw, options: { socketPath: raw.slice("unix://".length) } };
  if (raw.startsWith("/")) return { address: `unix://${raw}`, options: { socketPath: raw } };
  const url = new URL(raw.replace(/^tcp:\/\//, "http://"));
  return {
    address: raw,
    options: {
      protocol: url.protocol === "https:" ? "https" : "http",
      host: url.hostname,
      port: Number(url.port || (url.protocol === "https:" ? 2376 : 2375)),
    },
  };
}

export interface DetectEngineOptions {
  dockerHost?: string;
  /** How long the engine may take to answer `/version` (default 3 s). */
  timeoutMs?: number;
}

export async function detectEngine(options: DetectEngineOptions = {}): Promise<EngineDetection> {
  let target: ReturnType<typeof engineAddress>;
  try {
    target = engineAddress(options.dockerHost);
  } catch (error) {
    return { ok: false, reason: `DOCKER_HOST is not a usable address (${describeError(error)})` };
  }
  if (!target) {
    return {
      ok: false,
      reason: "no container engine: DOCKER_HOST is unset and no Docker or Podman socket was found",
    };
  }
  const timeoutMs = options.timeoutMs ?? 3000;
  // dockerode (with its gRPC and SSH dependencies) costs ~200 ms and ~40 MB to import: loaded
  // only when there is an engine to talk to.
  const { default: Docker } = await import("dockerode");
  const docker = new Docker({ ...target.options, timeout: timeoutMs });
  try {
    const version = await docker.version();
    const component = version.Components?.find((entry) => /engine/i.test(entry.Name));
    return {
      ok: true,
      engine: {
        // A client without a request timeout: jobs wait on containers for minutes.
        docker: new Docker(target.options),
        name: component?.Name ?? "Docker Engine",
        version: version.Version,
        apiVersion: version.ApiVersion,
        address: target.address,
      },
    };
  } catch (error) {
    return {
      ok: false,
      reason: `the container engine at ${target.address} does not answer (${describeError(error)})`,
    };
  }
}
