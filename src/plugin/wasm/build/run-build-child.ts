/**
 * Runs build-worker.ts as a child process under limits: an empty environment (no secrets, no
 * PATH; Bun would also auto-load a `.env` from the working folder, which is the empty build
 * folder), a wall-clock limit and a memory limit. `ulimit -v` breaks Bun (it reserves huge
 * virtual ranges), so memory is watched instead: the resident set of the child and its
 * descendants (VmRSS in /proc) is sampled and the whole tree is killed once it passes the limit.
 */
import { join } from "node:path";
import type { BuildRequest } from "./build-request.ts";
import { killTree, processTree, residentMb } from "./process-tree.ts";

export interface BuildChildLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export type BuildChildOutcome =
  | { readonly ok: true; readonly peakMemoryMb: number }
  | { readonly ok: false; readonly error: string };

const workerPath = join(import.meta.dir, "build-worker.ts");
const memorySampleMs = 50;

export async function runBuildChild(
  request: BuildRequest,
  folder: string,
  limits: BuildChildLimits,
): Promise<BuildChildOutcome> {
  const child = Bun.spawn([process.execPath, workerPath, JSON.stringify(request)], {
    cwd: folder,
    env: {},
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let stopped: string | undefined;
  let peakMemoryMb = 0;
  const stop = (reason: string) => {
    stopped ??= reason;
    killTree(processTree(child.pid));
  };
  const deadline = setTimeout(
    () => stop(`the build took longer than ${formatSeconds(limits.timeoutMs)} and was stopped`),
    limits.timeoutMs,
  );
  const watcher = setInterval(() => {
    const treeMb = residentMb(processTree(child.pid));
    if (treeMb === undefined) return;
    peakMemoryMb = Math.max(peakMemoryMb, treeMb);
    if (treeMb > limits.memoryMb)
      stop(`the build used more than ${limits.memoryMb} MB of memory and was stopped`);
  }, memorySampleMs);
  const [stdout, stderr] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  await child.exited;
  clearTimeout(deadline);
  clearInterval(watcher);
  if (stopped) return { ok: false, error: stopped };
  const answer = parseAnswer(stdout);
  if (answer?.ok === true) return { ok: true, peakMemoryMb };
  if (answer?.ok === false) return { ok: false, error: answer.error };
  const detail = stderr.trim().split("\n").slice(-5).join("\n");
  return {
    ok: false,
    error: `the build process failed (exit ${child.exitCode})${detail ? `: ${detail}` : ""}`,
  };
}

function parseAnswer(stdout: string): { ok: true } | { ok: false; error: string } | undefined {
  const last = stdout.trim().split("\n").at(-1);
  if (!last) return undefined;
  try {
    return JSON.parse(last) as { ok: true } | { ok: false; error: string };
  } catch {
    return undefined;
  }
}

function formatSeconds(milliseconds: number): string {
  return milliseconds >= 1000 ? `${Math.round(milliseconds / 100) / 10} s` : `${milliseconds} ms`;
}
