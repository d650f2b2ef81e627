/**
 * IRONCLAW_HOME (database with the API token and approval key, config, logs) is owner-only:
 * created 0700/0600, an existing looser folder tightened at start, and `doctor` warns about one.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findLooseModes } from "../src/home.ts";
import { childEnv, runCli, startAssistant, temporaryHome } from "./support/cli.ts";

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("data folder permissions", () => {
  test("a fresh IRONCLAW_HOME and everything the assistant writes into it are owner-only", async () => {
    const home = join(temporaryHome(), "fresh-home");
    const assistant = startAssistant(childEnv({ IRONCLAW_HOME: home }));
    await assistant.waitFor(/INFO +ready/);
    expect((await assistant.stop()).exitCode).toBe(0);

    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(join(home, "pgdata"))).toBe(0o700);
    const pgFile = readdirSync(join(home, "pgdata")).find((name) => name === "PG_VERSION") as string;
    expect(modeOf(join(home, "pgdata", pgFile))).toBe(0o600);
    expect(readdirSync(join(home, "pgdata", "base")).length).toBeGreaterThan(0);
    expect(findLooseModes(home)).toEqual([]);
  }, 45_000);

  test("an existing folder with loose modes is tightened at start, and the owner is told", async () => {
    const home = temporaryHome();
    const env = childEnv({ IRONCLAW_HOME: home });
    const first = startAssistant(env);
    await first.waitFor(/INFO +ready/);
    await first.stop();
    writeFileSync(join(home, "ironclaw.toml"), 'log_level = "info"\n');
    chmodSync(join(home, "ironclaw.toml"), 0o644);
    chmodSync(join(home, "pgdata"), 0o755);
    chmodSync(join(home, "pgdata", "PG_VERSION"), 0o666);
    chmodSync(home, 0o755);
    expect(findLooseModes(home, { reachableOnly: true }).length).toBe(4);

    const doctor = await runCli(["doctor"], env);
    expect(doctor.stdout).toContain(`warning: ${home} has entries other users can read or write`);
    expect(doctor.stdout).toContain(`${join(home, "ironclaw.toml")} (0644)`);
    expect(doctor.stdout).toContain(`${join(home, "pgdata", "PG_VERSION")} (0666)`);
    expect(doctor.stdout).toContain("chmod -R go-rwx");

    const second = startAssistant(env);
    await second.waitFor(/INFO +ready/);
    expect(second.output()).toMatch(/tightened permissions in IRONCLAW_HOME to owner-only .*entries=\d+/);
    await second.stop();
    expect(findLooseModes(home)).toEqual([]);
    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(join(home, "ironclaw.toml"))).toBe(0o600);

    const after = await runCli(["doctor"], env);
    expect(after.stdout).toContain(`${home}: owner-only`);
  }, 60_000);

  test("findLooseModes skips symlinks and reports group/other bits", () => {
    const home = temporaryHome();
    mkdirSync(join(home, "workspace"), { mode: 0o700 });
    writeFileSync(join(home, "workspace", "AGENTS.md"), "x", { mode: 0o640 });
    chmodSync(join(home, "workspace", "AGENTS.md"), 0o640);
    expect(findLooseModes(home)).toEqual([{ path: join(home, "workspace", "AGENTS.md"), mode: 0o640 }]);
  });
});
