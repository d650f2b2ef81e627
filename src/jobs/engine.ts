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
import { type EngineTarget, engineGet, lazyDocker } from "./engine-api.ts";

export interface Engine {
  /** dockerode, loaded on first use (engine-api.ts): a start that runs no job never loads it. */
  docker: Docker;
  /** `GET /containers/json` without dockerode, for the reconciliation every start does. */
  listContainers(options: { all?: boolean; filters?: string }): Promise<Docker.ContainerInfo[]>;
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
export function engineAddress(dockerHost: string | undefined): EngineTarget | undefined {
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
  const found = target;
  try {
    const version = await engineGet<EngineVersion>(found, "/version", timeoutMs);
    const component = version.Components?.find((entry) => /engine/i.test(entry.Name));
    return {
      ok: true,
      engine: {
        // A client without a request timeout: jobs wait on containers for minutes.
        docker: lazyDocker(found.options),
        listContainers: ({ all, filters }) => {
          const query = new URLSearchParams({ all: String(Boolean(all)), ...(filters ? { filters } : {}) });
          // Listing is quick; a hung engine must not hold up start-up's reconciliation forever.
          return engineGet(found, `/containers/json?${query}`, 30_000);
        },
        name: component?.Name ?? "Docker Engine",
        version: version.Version,
        apiVersion: version.ApiVersion,
        address: found.address,
      },
    };
  } catch (error) {
    return {
      ok: false,
      reason: `the container engine at ${found.address} does not answer (${describeError(error)})`,
    };
  }
}

/** The part of `GET /version` read here. */
interface EngineVersion {
  Version: string;
  ApiVersion: string;
  Components?: { Name: string }[];
}
