/**
 * The sandbox's root filesystem archive (a real busybox-static when the machine has one) and
 * the container spec each policy produces.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildContainerSpec, defaultJobLimits } from "../../src/jobs/policies.ts";
import { buildRootfsEntries } from "../../src/jobs/sandbox-rootfs.ts";
import { writeTar } from "../../src/jobs/tar-archive.ts";

const hasBusybox = ["/bin/busybox", "/usr/bin/busybox"].some((path) => existsSync(path));

describe("tar archive", () => {
  test("GNU tar reads what we write, and the bytes are deterministic", async () => {
    const entries = [
      { type: "directory" as const, path: "bin", mode: 0o755 },
      {
        type: "file" as const,
        path: "bin/hello",
        mode: 0o755,
        content: new TextEncoder().encode("#!/bin/sh\necho hi\n"),
      },
      { type: "symlink" as const, path: "bin/hi", target: "hello" },
      { type: "directory" as const, path: "tmp", mode: 0o1777 },
    ];
    const archive = writeTar(entries);
    expect(writeTar(entries)).toEqual(archive);
    const folder = mkdtempSync(join(tmpdir(), "ironclaw-tar-"));
    writeFileSync(join(folder, "root.tar"), archive);
    const listing = await Bun.$`tar -tvf ${join(folder, "root.tar")}`.text();
    expect(listing).toMatch(/drwxr-xr-x root\/root .* bin\//);
    expect(listing).toMatch(/-rwxr-xr-x root\/root .* bin\/hello/);
    expect(listing).toMatch(/bin\/hi -> hello/);
    expect(listing).toMatch(/drwxrwxrwt .* tmp\//);
    await Bun.$`tar -xf ${join(folder, "root.tar")} -C ${folder}`;
    expect(readFileSync(join(folder, "bin", "hello"), "utf8")).toContain("echo hi");
  });
});

describe.skipIf(!hasBusybox)("sandbox root filesystem", () => {
  test("busybox, its applets and the sandbox user; no setuid file", () => {
    const entries = buildRootfsEntries();
    const paths = new Map(entries.map((entry) => [entry.path, entry]));
    expect(paths.get("bin/busybox")?.type).toBe("file");
    expect(paths.get("bin/sh")).toEqual({ type: "symlink", path: "bin/sh", target: "busybox" });
    expect(paths.has("bin/ironclaw-egress")).toBe(false);
    const passwd = paths.get("etc/passwd");
    expect(passwd?.type === "file" && new TextDecoder().decode(passwd.content)).toContain(
      "sandbox:x:1000:1000",
    );
    for (const entry of entries) if (entry.type !== "symlink") expect(entry.mode & 0o6000).toBe(0);
  });
});

describe("container spec per policy", () => {
  const base = {
    jobId: "job-1",
    command: "ls",
    imageId: "sha256:abc",
    workspaceDir: "/home/owner/.ironclaw/workspace",
    limits: defaultJobLimits,
    hostUid: 1234,
  };
  test("every policy: non-root, no capabilities, no new privileges, read-only root, limits", () => {
    for (const policy of ["read-only", "workspace-write", "full-access"] as const) {
      const spec = buildContainerSpec({ ...base, policy });
      expect(spec.User).toBe(`1234:${process.getgid?.() ?? 1234}`);
      expect(spec.HostConfig?.CapDrop).toEqual(["ALL"]);
      expect(spec.HostConfig?.SecurityOpt).toEqual(["no-new-privileges"]);
      expect(spec.HostConfig?.ReadonlyRootfs).toBe(true);
      expect(spec.HostConfig?.Memory).toBe(2048 * 1024 * 1024);
      expect(spec.HostConfig?.MemorySwap).toBe(2048 * 1024 * 1024);
      expect(spec.HostConfig?.CpuShares).toBe(1024);
      expect(spec.HostConfig?.PidsLimit).toBe(256);
      expect(spec.HostConfig?.Privileged).toBe(false);
      expect(JSON.stringify(spec)).not.toMatch(/docker\.sock|podman\.sock/);
    }
  });
  test("mounts and network differ by policy", () => {
    expect(buildContainerSpec({ ...base, policy: "read-only" }).HostConfig?.Binds).toEqual([
      `${base.workspaceDir}:/workspace:ro`,
    ]);
    expect(buildContainerSpec({ ...base, policy: "workspace-write" }).HostConfig?.Binds).toEqual([
      `${base.workspaceDir}:/workspace:rw`,
    ]);
    const full = buildContainerSpec({ ...base, policy: "full-access" });
    expect(full.HostConfig?.Binds).toContain("/:/host:rw");
    expect(full.HostConfig?.NetworkMode).toBe("bridge");
    expect(buildContainerSpec({ ...base, policy: "read-only" }).HostConfig?.NetworkMode).toBe("none");
  });
  test("a root host hands the workspace to the sandbox user", () => {
    const spec = buildContainerSpec({ ...base, policy: "read-only", hostUid: 0 });
    expect(spec.User).toBe("1000:1000");
    expect(spec.HostConfig?.Binds).toEqual([`${base.workspaceDir}:/workspace:ro,U`]);
  });
});
