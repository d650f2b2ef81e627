/**
 * The embedded database lock is released by the kernel when its holder dies, so a supervisor can
 * restart IronClaw right after a SIGKILL — even while the killed process is still an unreaped
 * zombie, or when the pid in the lock file now belongs to some other process.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childEnv, mainScript, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

/**
 * Starts the assistant as the child of a parent that never reaps it (python's fork + exec with
 * the parent asleep), so after SIGKILL it stays a zombie: exactly what a slow PID 1 leaves behind.
 */
function startUnreapedAssistant(env: Record<string, string>) {
  const script = [
    "import os, sys, time",
    "pid = os.fork()",
    "if pid == 0:",
    "    os.execve(sys.argv[1], sys.argv[1:], os.environ)",
    "print(pid, flush=True)",
    "time.sleep(120)",
  ].join("\n");
  const parent = Bun.spawn(["python3", "-c", script, process.execPath, mainScript, "run"], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of parent.stderr) output += decoder.decode(chunk, { stream: true });
  })();
  const pid = (async () => {
    const reader = parent.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return Number(text.trim());
  })();
  return { parent, pid, output: () => output };
}

function processState(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
  } catch {
    return undefined;
  }
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("restart after a crash", () => {
  test("SIGKILL, then a start within 100 ms succeeds while the killed process is still a zombie", async () => {
    const env = childEnv({ IRONCLAW_HOME: temporaryHome() });
    const first = startUnreapedAssistant(env);
    cleanups.push(() => first.parent.kill("SIGKILL"));
    await waitUntil(() => /INFO +ready/.test(first.output()), "the first process to be ready");
    const pid = await first.pid;

    process.kill(pid, "SIGKILL");
    await waitUntil(() => processState(pid) === "Z", "the killed process to become a zombie", 2_000);
    const second = startAssistant(env); // at once, as a supervisor would
    cleanups.push(() => second.stop("SIGKILL"));
    await second.waitFor(/INFO +ready/);
    expect(second.output()).not.toContain("in use by another IronClaw");
    expect(processState(pid)).toBe("Z"); // still unreaped: the lock did not depend on reaping
    expect((await second.stop()).exitCode).toBe(0);
  }, 45_000);

  test("a lock file naming a pid that now belongs to another live process does not block the start", async () => {
    const home = temporaryHome();
    const env = childEnv({ IRONCLAW_HOME: home });
    // Create the data folder once, then leave a lock file behind that names a live, unrelated pid.
    const once = startAssistant(env);
    await once.waitFor(/INFO +ready/);
    expect((await once.stop()).exitCode).toBe(0);
    writeFileSync(join(home, "pgdata.lock"), String(process.pid));

    const next = startAssistant(env);
    cleanups.push(() => next.stop("SIGKILL"));
    await next.waitFor(/INFO +ready/);
    expect(readFileSync(join(home, "pgdata.lock"), "utf8")).toBe(String(next.child.pid));
    expect((await next.stop()).exitCode).toBe(0);
    expect(readFileSync(join(home, "pgdata.lock"), "utf8")).toBe("");
  }, 45_000);

  test("a second live instance on the same IRONCLAW_HOME is still refused with exit 2", async () => {
    const env = childEnv({ IRONCLAW_HOME: temporaryHome() });
    const first = startAssistant(env);
    cleanups.push(() => first.stop("SIGKILL"));
    await first.waitFor(/INFO +ready/);
    const second = await runCli(["run"], env);
    expect(second.exitCode).toBe(2);
    expect(second.stderr.trim()).toMatch(
      new RegExp(
        `^ironclaw: the embedded database .*pgdata is in use by another IronClaw \\(pid ${first.child.pid}\\); stop it or set another IRONCLAW_HOME$`,
      ),
    );
  }, 45_000);
});
