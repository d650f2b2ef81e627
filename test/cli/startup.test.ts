import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childEnv, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

describe("start-up errors exit 2 with one clear line", () => {
  test("an invalid variable is named, without a stack trace", async () => {
    const result = await runCli(["run"], childEnv({ IRONCLAW_HOME: temporaryHome(), GATEWAY_PORT: "http" }));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe("ironclaw: GATEWAY_PORT: must be a whole number from 0 to 65535");
  });

  test("a malformed ironclaw.toml names the line", async () => {
    const home = temporaryHome();
    writeFileSync(join(home, "ironclaw.toml"), 'llm_model = "x"\n[telegram\n');
    const result = await runCli(["run"], childEnv({ IRONCLAW_HOME: home }));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("invalid TOML at line 2");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("an unreachable DATABASE_URL is retried, then named with the password masked", async () => {
    const result = await runCli(
      ["run"],
      childEnv({
        IRONCLAW_HOME: temporaryHome(),
        DATABASE_URL: "postgres://owner:hunter2@127.0.0.1:9/ironclaw",
        DATABASE_CONNECT_TIMEOUT: "1s",
      }),
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("database not reachable yet, retrying");
    const last = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(last).toStartWith("ironclaw: DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:9 after");
    expect(last).toContain("postgres://owner:***@127.0.0.1:9/ironclaw");
    expect(result.stderr).not.toContain("hunter2");
  });
});

describe("the assistant process", () => {
  test("starts with nothing configured, keeps its data across a restart, and shuts down cleanly", async () => {
    const home = temporaryHome();
    const env = childEnv({ IRONCLAW_HOME: home });

    const first = startAssistant(env);
    await first.waitFor(/INFO +ready gateway=(\S+)/);
    const url = (await first.waitFor(/gateway=(http:\/\/\S+)/))[1] as string;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as {
      ok: boolean;
      checks: Record<string, unknown>;
    };
    expect(ready.ok).toBe(true);
    expect(ready.checks.database).toEqual({ ok: true, detail: "pglite" });
    expect(first.output()).toContain("No LLM is configured. Set OPENAI_API_KEY or ANTHROPIC_API_KEY");
    expect(first.output()).toContain("ironclaw doctor");
    const token = first.output().match(/Generated an HTTP API token[^:]*: (\S+)/)?.[1];
    expect(token).toBeDefined();
    const stopped = await first.stop("SIGTERM");
    expect(stopped.exitCode).toBe(0);
    expect(stopped.output).toContain("stopped");
    expect(readFileSync(join(home, "pgdata.lock"), "utf8")).toBe(""); // lock released

    // Second run: the token generated and stored by the first run is still there. At debug level
    // the start-up says where its time went, phase by phase (src/startup-phases.ts).
    const second = startAssistant({ ...env, LOG_LEVEL: "debug" });
    await second.waitFor(/INFO +ready/);
    expect(second.output()).not.toContain("Generated an HTTP API token");
    expect(second.output()).toMatch(
      /DEBUG start-up timings totalMs=\d+ cpuMs=\d+ phases=load \d+ms\/\d+ms cpu, config .*database .*gateway \d+ms\/\d+ms cpu/,
    );
    expect((await second.stop("SIGINT")).exitCode).toBe(0);

    const doctor = await runCli(["doctor"], env);
    expect(doctor.stdout).toMatch(/GATEWAY_AUTH_TOKEN +\S+ +\[settings\]/);
    expect(doctor.stdout).not.toContain(token as string);
  }, 30_000);

  test("a second process on the same embedded database is refused with a clear message", async () => {
    const env = childEnv({ IRONCLAW_HOME: temporaryHome() });
    const first = startAssistant(env);
    await first.waitFor(/INFO +ready/);
    const second = await runCli(["run"], env);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`is in use by another IronClaw (pid ${first.child.pid})`);
    await first.stop();
  }, 30_000);
});
