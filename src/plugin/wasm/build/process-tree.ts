/**
 * The build child and everything it starts (componentize-js runs Wizer as its own process), read
 * from /proc: the memory limit counts the whole tree, and a stopped build kills the whole tree,
 * so a grandchild can neither escape the limit nor outlive its build. Linux only; elsewhere the
 * tree is just the child and its memory reads as unknown.
 */
import { readdirSync, readFileSync } from "node:fs";

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return []; // exited, or no /proc
  }
}

/** `pid` and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let index = 0; index < tree.length && tree.length < 256; index++) {
    tree.push(...childrenOf(tree[index] as number));
  }
  return tree;
}

/** Resident memory of the processes in MB, or undefined when none could be read. */
export function residentMb(pids: readonly number[]): number | undefined {
  let total: number | undefined;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total = (total ?? 0) + Number(match[1]) / 1024;
    } catch {
      // exited between listing and reading
    }
  }
  return total;
}

/** SIGKILLs the processes, descendants first so none is re-parented while still running. */
export function killTree(pids: readonly number[]): void {
  for (const pid of [...pids].reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
