/**
 * The sandbox image: imported from a root filesystem tarball through the engine's API (the
 * equivalent of `podman import`), no registry involved, and tagged by content —
 * `localhost/ironclaw-sandbox:<first 16 hex of the tarball's SHA-256>` with the full hash in the
 * label `ironclaw.sandbox`. Building the same tree twice is a no-op.
 *
 * The runner only ever starts the image `resolveSandboxImage` returns: the newest image carrying
 * that label, or the one SANDBOX_IMAGE names (the owner's explicit choice). It passes the image
 * *id*, so re-tagging something else under the sandbox's name cannot swap what runs.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { AppError, describeError } from "../errors.ts";
import { buildRootfsEntries, type RootfsOptions, sandboxUser } from "./sandbox-rootfs.ts";
import { writeTar } from "./tar-archive.ts";

export const sandboxRepository = "localhost/ironclaw-sandbox";
export const sandboxLabel = "ironclaw.sandbox";

export interface SandboxImage {
  /** What to pass as `Image` (the image id). */
  id: string;
  /** A name for people: the content tag, or SANDBOX_IMAGE. */
  reference: string;
  /** Whether it is the built sandbox (false: configured by SANDBOX_IMAGE). */
  builtIn: boolean;
}

export interface BuildResult extends SandboxImage {
  /** False when an image with the same content already existed. */
  created: boolean;
  archiveBytes: number;
}

async function findImage(docker: Docker, reference: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(reference).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function buildSandboxImage(docker: Docker, options: RootfsOptions = {}): Promise<BuildResult> {
  const archive = writeTar(buildRootfsEntries(options));
  const hash = createHash("sha256").update(archive).digest("hex");
  const tag = hash.slice(0, 16);
  const reference = `${sandboxRepository}:${tag}`;
  const existing = await findImage(docker, reference);
  if (existing?.Config?.Labels?.[sandboxLabel] === hash) {
    return { id: existing.Id, reference, builtIn: true, created: false, archiveBytes: archive.length };
  }
  const stream = await docker.importImage(Readable.from(Buffer.from(archive)), {
    changes: [
      `LABEL ${sandboxLabel}=${hash}`,
      `USER ${sandboxUser.uid}:${sandboxUser.gid}`,
      "WORKDIR /workspace",
      "ENV PATH=/bin HOME=/tmp",
    ],
  } as unknown as Record<string, unknown>);
  const progress = await new Promise<{ id?: string; status?: string; error?: string }[]>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, events: unknown[]) =>
      error ? reject(error) : resolve(events as { id?: string; status?: string }[]),
    ),
  );
  const failed = progress.find((event) => event.error);
  if (failed) throw new AppError("tool_failed", `the engine refused the sandbox image: ${failed.error}`);
  const last = progress.at(-1);
  const imageId = last?.id ?? last?.status;
  if (!imageId) throw new AppError("tool_failed", "the engine did not report the imported image's id");
  await docker.getImage(imageId).tag({ repo: sandboxRepository, tag });
  const inspected = await docker.getImage(reference).inspect();
  return { id: inspected.Id, reference, builtIn: true, created: true, archiveBytes: archive.length };
}

/** The image jobs run in, or `sandbox_image_missing` with what to do about it. */
export async function resolveSandboxImage(docker: Docker, configured?: string): Promise<SandboxImage> {
  if (configured) {
    const image = await findImage(docker, configured).catch((error: unknown) => {
      throw new AppError(
        "engine_unavailable",
        `cannot inspect SANDBOX_IMAGE ${configured}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    });
    if (!image) {
      throw new AppError("sandbox_image_missing", `SANDBOX_IMAGE ${configured} is not present in the engine`);
    }
    return { id: image.Id, reference: configured, builtIn: false };
  }
  const images = await docker.listImages({ filters: JSON.stringify({ label: [sandboxLabel] }) });
  const newest = images
    .filter((image) => (image.RepoTags ?? []).some((tag) => tag.startsWith(`${sandboxRepository}:`)))
    .sort((left, right) => right.Created - left.Created)[0];
  if (!newest) {
    throw new AppError("sandbox_image_missing", "no sandbox image yet: run `ironclaw sandbox build`");
  }
  const reference = (newest.RepoTags ?? []).find((tag) => tag.startsWith(`${sandboxRepository}:`)) as string;
  return { id: newest.Id, reference, builtIn: true };
}
