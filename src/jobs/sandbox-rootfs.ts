/**
 * The sandbox's root filesystem: a static busybox (a shell and the common command-line tools as
 * its applets), a passwd with the unprivileged `sandbox` user (uid 1000) jobs run as, and the
 * mount points the policies use. Nothing else: no package manager, no setuid binary, no
 * credentials. Built from the host's busybox-static, because no image registry is reachable.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { AppError } from "../errors.ts";
import type { TarEntry } from "./tar-archive.ts";

export const sandboxUser = { uid: 1000, gid: 1000, name: "sandbox" } as const;

const busyboxCandidates = ["/bin/busybox", "/usr/bin/busybox", "/usr/local/bin/busybox"];

export interface RootfsOptions {
  /** A statically linked busybox; default the first one found in the usual places. */
  busyboxPath?: string;
  /** Extra files, e.g. a CA certificate the image should trust. */
  extraFiles?: readonly { path: string; content: Uint8Array; mode?: number }[];
}

function findBusybox(path: string | undefined): string {
  const found = path ?? busyboxCandidates.find((candidate) => existsSync(candidate));
  if (!found || !existsSync(found)) {
    throw new AppError(
      "not_found",
      "no busybox found to build the sandbox from: install busybox-static (apt-get install -y busybox-static)",
    );
  }
  return found;
}

/** A dynamically linked busybox would not start in an image without a C library. */
function assertStatic(binary: Uint8Array, path: string): void {
  const head = new TextDecoder("latin1").decode(binary.subarray(0, 8192));
  if (head.includes("/lib64/ld-linux") || head.includes("/lib/ld-linux") || head.includes("ld-musl")) {
    throw new AppError(
      "invalid_input",
      `${path} is dynamically linked; the sandbox needs busybox-static (apt-get install -y busybox-static)`,
    );
  }
}

function appletsOf(path: string): string[] {
  const listed = spawnSync(path, ["--list"], { encoding: "utf8", env: {} });
  if (listed.status !== 0) throw new AppError("tool_failed", `${path} --list failed: ${listed.stderr}`);
  return listed.stdout
    .split("\n")
    .map((name) => name.trim())
    .filter((name) => /^[a-z0-9_.[\]-]+$/i.test(name) && name !== "busybox")
    .sort();
}

export function buildRootfsEntries(options: RootfsOptions = {}): TarEntry[] {
  const busyboxPath = findBusybox(options.busyboxPath);
  const binary = new Uint8Array(readFileSync(busyboxPath));
  assertStatic(binary, busyboxPath);
  const text = (value: string) => new TextEncoder().encode(value);
  const { uid, gid, name } = sandboxUser;
  const entries: TarEntry[] = [
    ...["bin", "dev", "etc", "etc/ssl", "etc/ssl/certs", "home", `home/${name}`, "proc", "run", "sys"].map(
      (path) => ({ type: "directory" as const, path, mode: 0o755 }),
    ),
    { type: "directory", path: "tmp", mode: 0o1777 },
    { type: "directory", path: "usr", mode: 0o755 },
    { type: "directory", path: "var", mode: 0o755 },
    { type: "directory", path: "var/tmp", mode: 0o1777 },
    { type: "directory", path: "workspace", mode: 0o755 },
    { type: "symlink", path: "sbin", target: "bin" },
    { type: "symlink", path: "usr/bin", target: "../bin" },
    { type: "symlink", path: "usr/sbin", target: "../bin" },
    { type: "file", path: "bin/busybox", mode: 0o755, content: binary },
    ...appletsOf(busyboxPath).map((applet) => ({
      type: "symlink" as const,
      path: `bin/${applet}`,
      target: "busybox",
    })),
    {
      type: "file",
      path: "etc/passwd",
      mode: 0o644,
      content: text(`root:x:0:0:root:/root:/bin/sh\n${name}:x:${uid}:${gid}:${name}:/home/${name}:/bin/sh\n`),
    },
    { type: "file", path: "etc/group", mode: 0o644, content: text(`root:x:0:\n${name}:x:${gid}:\n`) },
    { type: "file", path: "etc/hosts", mode: 0o644, content: text("127.0.0.1 localhost\n::1 localhost\n") },
  ];
  for (const file of options.extraFiles ?? []) {
    entries.push({
      type: "file",
      path: file.path.replace(/^\/+/, ""),
      mode: file.mode ?? 0o644,
      content: file.content,
    });
  }
  return entries;
}
