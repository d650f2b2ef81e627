/**
 * The installed skill's folder on disk, written so a failure never leaves half a skill where the
 * loader looks: the files go to a fresh hidden folder inside `installed_skills/` (the loader
 * skips names starting with "."), each created exclusively (0600, folders 0700, like the rest of
 * IRONCLAW_HOME), and the folder is renamed to `installed_skills/<name>` in one step. A rename
 * onto an existing skill folder fails, so of two installs racing for one name exactly one lands.
 * Paths were checked by the archive reader; they are joined and checked once more here.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { AppError } from "../../errors.ts";
import type { SkillArchiveFile } from "./archive.ts";

function inside(root: string, path: string): string {
  const target = join(root, path);
  const rest = relative(root, target);
  if (rest === "" || rest.startsWith("..") || rest.split(sep).includes(".."))
    throw new AppError("invalid_input", `the path ${JSON.stringify(path)} leaves the skill's folder`);
  return target;
}

/** Writes `files` into `<parent>/<name>` atomically; the folder's path. */
export async function placeSkillFolder(
  parent: string,
  name: string,
  files: readonly SkillArchiveFile[],
): Promise<string> {
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const staging = join(parent, `.installing-${name}-${randomBytes(6).toString("hex")}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    for (const file of files) {
      const target = inside(staging, file.path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, file.bytes, { mode: 0o600, flag: "wx" });
    }
    const destination = inside(parent, name);
    try {
      await rename(staging, destination);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR")
        throw new AppError(
          "conflict",
          `the folder ${destination} already exists; remove it (\`ironclaw skills remove ${name}\`) before installing "${name}"`,
          { cause: error },
        );
      throw error;
    }
    return destination;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Removes `<parent>/<name>`; true when there was something to remove. */
export async function removeSkillFolder(parent: string, name: string): Promise<boolean> {
  const folder = inside(parent, name);
  const existed = await lstat(folder).then(
    () => true,
    () => false,
  );
  await rm(folder, { recursive: true, force: true });
  return existed;
}
