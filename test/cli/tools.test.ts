/**
 * `ironclaw tools …` as the owner runs it: real processes, a real embedded database, real
 * components. Install asks first (and refuses without a terminal unless `--yes`), refusals are
 * one clear line, and an installed tool is called by the model in the real assistant.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { buildTestGuest, echoGuestSource } from "../plugin/wasm/support/build-guest.ts";
import { childEnv, mainScript, runCli, startAssistant, temporaryHome } from "../support/cli.ts";
import { sentMessages } from "../support/llm-requests.ts";

const llm = startOpenAiFake();
afterAll(() => llm.close());

let component: Uint8Array;
beforeAll(async () => {
  component = await buildTestGuest(echoGuestSource("stars"));
}, 120_000);

function writeTool(
  folder: string,
  name: string,
  manifest: Record<string, unknown>,
  wasmPath = `${name}.wasm`,
): string {
  mkdirSync(join(folder, wasmPath, ".."), { recursive: true });
  writeFileSync(join(folder, wasmPath), component);
  writeFileSync(
    join(folder, `${name}.capabilities.json`),
    JSON.stringify({ kind: "tool", name, ...manifest }),
  );
  return folder;
}

async function runIn(cwd: string, args: string[], env: Record<string, string>) {
  const child = Bun.spawn([process.execPath, mainScript, ...args], {
    cwd,
    env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, exitCode };
}

test("refusals come before the database is opened, one line each", async () => {
  const home = temporaryHome();
  const env = childEnv({ IRONCLAW_HOME: home, LOG_LEVEL: "error" });
  writeTool(join(home, "src", "typo"), "typo", { limits: { memmory_mib: 64 } });
  const typo = await runCli(["tools", "install", join(home, "src", "typo"), "--yes"], env);
  expect(typo.exitCode).toBe(1);
  expect(typo.stderr.trim()).toBe(
    `${join(home, "src", "typo", "typo.capabilities.json")}: limits.memmory_mib: unknown field`,
  );

  writeTool(join(home, "src", "shadow"), "http_request", {});
  const shadow = await runCli(
    ["tools", "install", join(home, "src", "shadow", "http_request.wasm"), "--yes"],
    env,
  );
  expect(shadow.stderr.trim()).toBe(
    `"http_request" is the name of one of IronClaw's own tools: choose another name`,
  );

  writeFileSync(join(home, "broken.wasm"), component.subarray(0, 5000));
  writeFileSync(join(home, "broken.capabilities.json"), JSON.stringify({ name: "broken" }));
  const broken = await runCli(["tools", "install", join(home, "broken.wasm"), "--yes"], env);
  expect(broken.exitCode).toBe(1);
  expect(broken.stderr).toContain("the component cannot be decoded (corrupt or truncated?)");

  const missing = await runIn(home, ["tools", "install", "@acme/not-installed", "--yes"], env);
  expect(missing.stderr).toContain("no file, folder or installed npm package named @acme/not-installed");
  expect((await runCli(["tools", "frobnicate"], env)).exitCode).toBe(2);
  // Nothing was opened, so nothing was created.
  expect(existsSync(join(home, "pgdata"))).toBe(false);
}, 180_000);

test("install asks, list, inspect, disable, enable, history and remove", async () => {
  const home = temporaryHome();
  const env = childEnv({ IRONCLAW_HOME: home, LOG_LEVEL: "error" });
  const folder = writeTool(join(home, "src", "stars"), "stars", {
    description: "Repository stars.",
    http: { allowlist: [{ host: "api.github.com", path_prefix: "/repos" }] },
  });

  const unasked = await runCli(["tools", "install", folder], env);
  expect(unasked.exitCode).toBe(1);
  expect(unasked.stdout).toContain("Network: GET to api.github.com (paths under /repos).");
  expect(unasked.stdout).toMatch(/SHA-256: [0-9a-f]{64}/);
  expect(unasked.stderr).toContain("Not installed: no terminal to ask on");

  const installed = await runCli(["tools", "install", folder, "--yes"], env);
  expect(installed.exitCode).toBe(0);
  expect(installed.stdout).toContain("Installed stars version 1");

  // An npm package in node_modules, resolved by name from the current folder; dist/ layout.
  const project = join(home, "project");
  const packageFolder = join(project, "node_modules", "@acme", "ironclaw-clock");
  writeTool(packageFolder, "clock", {}, "dist/clock.wasm");
  writeFileSync(
    join(packageFolder, "package.json"),
    JSON.stringify({ name: "@acme/ironclaw-clock", version: "1.0.0" }),
  );
  const fromNpm = await runIn(project, ["tools", "install", "@acme/ironclaw-clock", "--yes"], env);
  expect(fromNpm.stdout).toContain("Installed clock version 1");

  const list = await runCli(["tools", "list"], env);
  expect(list.stdout).toMatch(
    /^stars {2}tool {2}v1 {2}enabled {2}1\.\d MiB {2}[0-9a-f]{12} {2}source: installed$/m,
  );
  expect(list.stdout).toContain("clock  tool  v1  enabled");

  const inspect = await runCli(["tools", "inspect", "stars"], env);
  expect(inspect.stdout).toContain("imports ironclaw:plugin/host@0.1.0, ironclaw:plugin/tool-types@0.1.0");
  expect(inspect.stdout).toContain("Description: Repository stars.");
  const source = await runCli(["tools", "inspect", "stars", "--source"], env);
  expect(source.exitCode).toBe(1);
  expect(source.stderr).toContain("no source is stored");

  expect((await runCli(["tools", "disable", "stars"], env)).stdout).toContain('Disabled "stars".');
  const doctor = await runCli(["doctor"], env);
  expect(doctor.stdout).toContain(
    "WASM tools\n  installed: 2 (1 enabled, 1 disabled)\n  stars: disabled (disabled by the owner)",
  );
  expect((await runCli(["tools", "enable", "stars"], env)).exitCode).toBe(0);
  expect((await runCli(["tools", "install", folder, "--yes"], env)).stdout).toContain(
    "Installed stars version 2",
  );
  expect((await runCli(["tools", "history", "stars"], env)).stdout.trim().split("\n")).toHaveLength(2);
  expect((await runCli(["tools", "remove", "stars"], env)).stdout).toContain('Removed "stars"');
  expect((await runCli(["tools", "list"], env)).stdout.trim()).toMatch(/^clock {2}tool {2}v1/);
}, 240_000);

test("an installed tool is loaded by the real assistant and called by the model", async () => {
  const home = temporaryHome();
  const env = childEnv({
    IRONCLAW_HOME: home,
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "gpt-test",
    GATEWAY_AUTH_TOKEN: "tools-test-token-0123456789",
    HEARTBEAT_ENABLED: "false",
  });
  const folder = writeTool(join(home, "stars"), "stars", { approval: "never" });
  expect((await runCli(["tools", "install", folder, "--yes"], env)).exitCode).toBe(0);

  const assistant = startAssistant(env);
  try {
    const url = (await assistant.waitFor(/ready gateway=(http:\/\/\S+)/, 60_000))[1] as string;
    expect(assistant.output()).toContain("installed tool loaded");
    // With more than a handful of tools, installed ones are found through tool_search first.
    llm.enqueue(
      { toolCalls: [{ id: "call-0", name: "tool_search", arguments: '{"query":"stars"}' }] },
      { toolCalls: [{ id: "call-1", name: "stars", arguments: '{"text":"hi"}' }] },
      { text: "Done." },
    );
    const response = await fetch(`${url}/api/chat/send`, {
      method: "POST",
      headers: { authorization: "Bearer tools-test-token-0123456789", "content-type": "application/json" },
      body: JSON.stringify({ text: "use the stars tool" }),
    });
    expect(response.status).toBe(200);
    const offered = (llm.requests.at(-2)?.body.tools ?? []) as { function: { name: string } }[];
    expect(offered.map((tool) => tool.function.name)).toContain("stars");
    const toolMessages = sentMessages(llm.requests.at(-1)).filter((message) => message.role === "tool");
    expect(toolMessages.at(-1)?.content).toBe('stars:{"text":"hi"}');
  } finally {
    expect((await assistant.stop()).exitCode).toBe(0);
  }
}, 120_000);
