/**
 * From a job's policy and limits to the engine's container configuration: the one place that
 * decides what a container may touch. Every policy runs as the unprivileged sandbox user with
 * all capabilities dropped, no new privileges, a read-only root filesystem with a size-capped
 * tmpfs at /tmp, memory (no swap), CPU shares, a pids limit and a per-file size limit; the
 * policies differ only in the mounts and the network:
 *   - read-only: the workspace at /workspace read-only; network only through the egress proxy.
 *   - workspace-write: the same, read-write.
 *   - full-access: also the host's root at /host, and the engine's ordinary network (the owner
 *     approved this exact command, asked every time).
 * The engine socket is never mounted, whatever the policy.
 */
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import type { JobPolicy } from "../db/schema/jobs.ts";
import { jobCaBundlePath } from "./egress-ca-bundle.ts";
import { sandboxUser } from "./sandbox-rootfs.ts";

export const jobPolicyNames: readonly JobPolicy[] = ["read-only", "workspace-write", "full-access"];
export const jobLabel = "ironclaw.job";
/** Which install started the container: recovery only touches its own install's containers. */
export const installLabel = "ironclaw.install";

/** A stable id for one install: its workspace folder (one per IRONCLAW_HOME). */
export function installIdOf(workspaceDir: string): string {
  return createHash("sha256").update(workspaceDir).digest("hex").slice(0, 16);
}

const mebibyte = 1024 * 1024;

export interface JobLimits {
  memoryBytes: number;
  cpuShares: number;
  timeoutMs: number;
  outputBytes: number;
  pidsLimit: number;
  tmpfsBytes: number;
  /** Largest file a job may write anywhere (RLIMIT_FSIZE): a 10 GB write stops here. */
  fileSizeBytes: number;
}

export const defaultJobLimits: Readonly<JobLimits> = Object.freeze({
  memoryBytes: 2048 * mebibyte,
  cpuShares: 1024,
  timeoutMs: 120_000,
  outputBytes: 64 * 1024,
  pidsLimit: 256,
  tmpfsBytes: 256 * mebibyte,
  fileSizeBytes: 1024 * mebibyte,
});

export interface ProxySetup {
  /** Environment pointing the job's tools at the proxy (HTTP_PROXY and friends). */
  environment: Record<string, string>;
  /** Runs before the job's own command (waits for the egress forwarder). */
  prelude?: string;
  /** Host file with the CA certificates a job trusts (public only), mounted read-only. */
  caBundlePath?: string;
}

export interface ContainerSpecOptions {
  jobId: string;
  command: string;
  policy: JobPolicy;
  imageId: string;
  workspaceDir: string;
  limits: JobLimits;
  proxy?: ProxySetup;
  /** The host process's uid; root hands the workspace to the sandbox user (`U`) instead. */
  hostUid?: number;
  /** Whether the engine understands the `U` (chown) bind option: Podman yes, Docker no. */
  chownMounts?: boolean;
}

export function buildContainerSpec(options: ContainerSpecOptions): Docker.ContainerCreateOptions {
  const { policy, limits, proxy } = options;
  const hostUid = options.hostUid ?? process.getuid?.() ?? 0;
  const user =
    hostUid === 0 ? `${sandboxUser.uid}:${sandboxUser.gid}` : `${hostUid}:${process.getgid?.() ?? hostUid}`;
  const ownership = hostUid === 0 && options.chownMounts !== false ? ",U" : "";
  const workspaceMode = policy === "read-only" ? "ro" : "rw";
  const binds = [`${options.workspaceDir}:/workspace:${workspaceMode}${ownership}`];
  if (policy === "full-access") binds.push("/:/host:rw");
  const proxied = policy !== "full-access" && proxy !== undefined;
  if (proxied && proxy.caBundlePath) binds.push(`${proxy.caBundlePath}:${jobCaBundlePath}:ro`);
  const script = proxied && proxy.prelude ? `${proxy.prelude}\n${options.command}` : options.command;
  return {
    Image: options.imageId,
    Cmd: ["/bin/sh", "-c", script],
    User: user,
    WorkingDir: "/workspace",
    Env: [
      "PATH=/bin",
      "HOME=/tmp",
      "TMPDIR=/tmp",
      ...Object.entries(proxied ? proxy.environment : {}).map(([name, value]) => `${name}=${value}`),
    ],
    Labels: { [jobLabel]: options.jobId, [installLabel]: installIdOf(options.workspaceDir) },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: policy !== "full-access",
    HostConfig: {
      NetworkMode: policy === "full-access" ? "bridge" : "none",
      Binds: binds,
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${limits.tmpfsBytes}` },
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Privileged: false,
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      CpuShares: limits.cpuShares,
      PidsLimit: limits.pidsLimit,
      Ulimits: [
        { Name: "fsize", Soft: limits.fileSizeBytes, Hard: limits.fileSizeBytes },
        { Name: "nofile", Soft: 1024, Hard: 1024 },
        // Podman replaces its configured defaults when any ulimit is given; without nproc it
        // tries the host's (unlimited), which this kind of kernel refuses.
        { Name: "nproc", Soft: 1024, Hard: 1024 },
      ],
      // Output goes through the attach stream into a capped buffer; no unbounded log file.
      LogConfig: { Type: "none", Config: {} },
      AutoRemove: false,
      RestartPolicy: { Name: "no" },
    },
  };
}
