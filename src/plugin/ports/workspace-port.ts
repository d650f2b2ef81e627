/**
 * The `workspace` capability: reading and writing text files under the owner's workspace folder
 * (`IRONCLAW_HOME/workspace`), and nowhere else. A tool names a path relative to the workspace;
 * absolute paths, `..` that climbs out, NUL bytes and symbolic links that lead outside are
 * refused with `WorkspacePathError` (its message is for the model), so a prompt-injected model
 * cannot read `~/.ssh` or overwrite the config through a tool that writes notes.
 *
 * Example:
 *   await context.workspace.write("notes/today.md", "- pay rent");
 *   const text = await context.workspace.read("notes/today.md");
 */
import { mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

export interface WorkspacePort {
  /** The file's text (UTF-8). Throws `WorkspacePathError` for a refused path or a missing file. */
  read(path: string): Promise<string>;
  /** Creates or replaces the file, creating its folders. Throws `WorkspacePathError` for a refused path. */
  write(path: string, content: string): Promise<void>;
}

/** A path the workspace refuses or cannot serve; the message names the path and the reason. */
export class WorkspacePathError extends Error {
  override readonly name = "WorkspacePathError";
}

function isInside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path === "" || (!path.startsWith(`..${sep}`) && path !== ".." && !isAbsolute(path));
}

/** The absolute target for `path`, refusing what is outside `root` before touching the disk. */
function targetOf(root: string, path: string): string {
  if (path.includes("\0")) throw new WorkspacePathError(`Refused path "${path}": it contains a NUL byte.`);
  if (path.trim() === "" || isAbsolute(path)) {
    throw new WorkspacePathError(`Refused path "${path}": name a file relative to the workspace.`);
  }
  const target = resolve(root, path);
  if (!isInside(root, target) || target === root) {
    throw new WorkspacePathError(`Refused path "${path}": it is outside the workspace.`);
  }
  return target;
}

function missing(error: unknown): boolean {
  return (error as { code?: unknown }).code === "ENOENT";
}

export function createWorkspacePort(workspaceDir: string): WorkspacePort {
  const root = resolve(workspaceDir);
  // Symbolic links are judged by where they really lead, against the real workspace folder.
  const realRoot = async () => realpath(root);
  async function refuseEscape(path: string, real: string): Promise<void> {
    if (!isInside(await realRoot(), real)) {
      throw new WorkspacePathError(`Refused path "${path}": it leads outside the workspace.`);
    }
  }
  return {
    async read(path) {
      const target = targetOf(root, path);
      let real: string;
      try {
        real = await realpath(target);
      } catch (error) {
        if (missing(error)) throw new WorkspacePathError(`No file "${path}" in the workspace.`);
        throw error;
      }
      await refuseEscape(path, real);
      return readFile(real, "utf8");
    },
    async write(path, content) {
      const target = targetOf(root, path);
      await mkdir(root, { recursive: true });
      await mkdir(dirname(target), { recursive: true });
      await refuseEscape(path, await realpath(dirname(target)));
      try {
        // An existing file may be a link: judge where it leads before replacing what it points at.
        await refuseEscape(path, await realpath(target));
      } catch (error) {
        if (!missing(error)) throw error;
      }
      await writeFile(target, content, "utf8");
    },
  };
}
