/** Runs the real `ironclaw` entry point in a child process with an explicit environment. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const mainScript = join(import.meta.dir, "..", "..", "src", "main.ts");

export function temporaryHome(): string {
  return mkdtempSync(join(tmpdir(), "ironclaw-home-"));
}

/** A minimal environment: nothing from the developer's shell leaks into the child. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: tmpdir(),
    TZ: "UTC",
    GATEWAY_PORT: "0",
    LOG_LEVEL: "info",
    ...extra,
  };
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const child = Bun.spawn([process.execPath, mainScript, ...args], { env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { exitCode, stdout, stderr };
}

/**
 * Every assistant a test or benchmark started and has not seen exit: killed when this process
 * exits, so a failing test (or a benchmark that throws) never leaves an assistant running.
 */
const runningChildren = new Set<Bun.Subprocess>();

/** Kills every assistant still running (the test preload calls it after all tests). */
export function killLeftoverAssistants(): void {
  for (const child of runningChildren) child.kill("SIGKILL");
  runningChildren.clear();
}
process.once("exit", killLeftoverAssistants);

export interface RunningAssistant {
  child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** stderr so far */
  output: () => string;
  /** Resolves when a line matching `pattern` has appeared on stderr. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  stop: (signal?: NodeJS.Signals) => Promise<{ exitCode: number; output: string }>;
}

export function startAssistant(
  env: Record<string, string>,
  args: string[] = ["run"],
  runtimeArgs: string[] = [],
): RunningAssistant {
  const child = Bun.spawn([process.execPath, ...runtimeArgs, mainScript, ...args], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  runningChildren.add(child);
  void child.exited.then(() => runningChildren.delete(child));
  let output = "";
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      output += decoder.decode(chunk, { stream: true });
      for (const waiter of waiters.slice()) {
        const match = output.match(waiter.pattern);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    }
  })();
  void new Response(child.stdout).text();
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const match = output.match(pattern);
        if (match) return resolve(match);
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        });
      }),
    stop: async (signal = "SIGTERM") => {
      child.kill(signal);
      const exitCode = await child.exited;
      await pump;
      return { exitCode, output };
    },
  };
}

/** One call to a running assistant's HTTP API: GET without a body, POST with one (JSON). */
export async function gatewayApi(base: string, token: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
