/**
 * `ironclaw secrets` through the real entry point in a child process: the value comes from
 * stdin and never appears in any output; list shows names and times; map refuses unknown secrets
 * and bad options; a value on the command line is refused before anything is opened.
 */
import { expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { childEnv, mainScript, runCli, temporaryHome } from "../support/cli.ts";

const value = "sk-ant-api03-CliTestValue0123456789abcdefghijklmnop";

async function secrets(args: string[], env: Record<string, string>, stdin = "") {
  const child = Bun.spawn([process.execPath, mainScript, "secrets", ...args], {
    env,
    stdin: new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, exitCode, all: `${stdout}\n${stderr}` };
}

test("set from a pipe, list, map, mappings, delete — the value never printed", async () => {
  const home = temporaryHome();
  const env = childEnv({ IRONCLAW_HOME: home });
  const outputs: string[] = [];

  const set = await secrets(["set", "anthropic_key"], env, `${value}\n`);
  outputs.push(set.all);
  expect(set.exitCode).toBe(0);
  expect(set.stdout).toContain("Stored secret anthropic_key.");
  expect(statSync(join(home, "master.key")).mode & 0o777).toBe(0o600);

  const list = await secrets(["list"], env);
  outputs.push(list.all);
  expect(list.stdout).toMatch(/^anthropic_key {2}created \S+ {2}last used never$/m);

  const map = await secrets(
    ["map", "anthropic_key", "--host", "api.anthropic.com", "--header", "x-api-key"],
    env,
  );
  outputs.push(map.all);
  expect(map.exitCode).toBe(0);
  expect(map.stdout).toContain("anthropic_key → api.anthropic.com as header x-api-key");

  const unknown = await secrets(["map", "nope", "--host", "api.github.com", "--bearer"], env);
  outputs.push(unknown.all);
  expect(unknown.exitCode).toBe(1);
  expect(unknown.stdout).toContain('no secret named "nope"');

  const twoLocations = await secrets(
    ["map", "anthropic_key", "--host", "a.example", "--bearer", "--basic"],
    env,
  );
  expect(twoLocations.stdout).toContain("exactly one of");

  const mappings = await secrets(["mappings"], env);
  outputs.push(mappings.all);
  expect(mappings.stdout).toMatch(/^1 {2}anthropic_key → api\.anthropic\.com {2}header x-api-key$/m);

  const odd = await secrets(["set", "bad name;rm"], env, value);
  outputs.push(odd.all);
  expect(odd.exitCode).toBe(1);
  expect(odd.stdout).toContain("invalid secret name");

  const wrongKey = await secrets(
    ["set", "second"],
    { ...env, IRONCLAW_MASTER_KEY: "w".repeat(40) },
    "other-value-123456",
  );
  outputs.push(wrongKey.all);
  expect(wrongKey.exitCode).toBe(1);
  expect(wrongKey.stdout).toContain("different master key than the one from IRONCLAW_MASTER_KEY");

  const deleted = await secrets(["delete", "anthropic_key"], env);
  outputs.push(deleted.all);
  expect(deleted.stdout).toContain("Deleted secret anthropic_key and its mappings.");
  expect((await secrets(["mappings"], env)).stdout).toContain("No credential mappings.");

  for (const output of outputs) expect(output).not.toContain(value);
}, 120_000);

test("a value on the command line is refused before anything is stored", async () => {
  const home = temporaryHome();
  const result = await secrets(["set", "token", value], childEnv({ IRONCLAW_HOME: home }));
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toContain("never from the command line");
  expect(existsSync(join(home, "master.key"))).toBe(false);
});

test("a secret variable stored under its name configures IronClaw; doctor shows [secret store] and key problems", async () => {
  const home = temporaryHome();
  const key = "d".repeat(40);
  const env = childEnv({ IRONCLAW_HOME: home, IRONCLAW_MASTER_KEY: key });
  const openaiKey = "sk-proj-DoctorStoreValue0123456789abcdefghij";

  const fresh = await runCli(["doctor"], childEnv({ IRONCLAW_HOME: temporaryHome() }));
  expect(fresh.exitCode).toBe(0);
  expect(fresh.stdout).toContain("status: no master key yet, so no secret can be stored");
  expect(fresh.stdout).toContain("fix: set IRONCLAW_MASTER_KEY");

  expect((await secrets(["set", "OPENAI_API_KEY"], env, openaiKey)).exitCode).toBe(0);
  const doctor = await runCli(["doctor"], env);
  expect(doctor.exitCode).toBe(0);
  expect(doctor.stdout).toContain("status: ok, master key from IRONCLAW_MASTER_KEY");
  expect(doctor.stdout).toContain("configured: openai:gpt-4o-mini");
  expect(doctor.stdout).toMatch(/OPENAI_API_KEY +sk-p…\*\*\* +\[secret store\]/);
  expect(doctor.stdout).toMatch(/IRONCLAW_MASTER_KEY +\S+ +\[env\]/);

  const wrong = await runCli(["doctor"], { ...env, IRONCLAW_MASTER_KEY: "w".repeat(40) });
  expect(wrong.exitCode).toBe(1);
  expect(wrong.stdout).toContain(
    'status: NOT OK — secret "OPENAI_API_KEY" was stored with a different master key than the one from IRONCLAW_MASTER_KEY',
  );
  expect(wrong.stdout).toContain("OPENAI_API_KEY from the secret store");

  const missing = await runCli(["doctor"], childEnv({ IRONCLAW_HOME: home }));
  expect(missing.exitCode).toBe(1);
  expect(missing.stdout).toContain("no master key for the secret store: set IRONCLAW_MASTER_KEY");
  for (const output of [doctor, wrong, missing]) {
    expect(`${output.stdout}${output.stderr}`).not.toContain(openaiKey);
    expect(`${output.stdout}${output.stderr}`).not.toContain(key);
  }
}, 120_000);
