/**
 * `ironclaw routines …` against a real embedded database, and a queued run picked up by the real
 * `ironclaw run` process on its own timer.
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/open.ts";
import { silentLogger } from "../../src/log.ts";
import { createRoutineRow } from "../../src/scheduler/store.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { childEnv, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

const llm = startOpenAiFake();
afterAll(() => llm.close());

test("list, history, disable, enable and run; a queued run is started by the running assistant", async () => {
  const home = temporaryHome();
  const env = childEnv({
    IRONCLAW_HOME: home,
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "gpt-test",
    TZ: "Europe/Berlin",
    HEARTBEAT_ENABLED: "false",
  });
  const config = loadConfig({ env, file: { path: join(home, "ironclaw.toml"), values: {}, warnings: [] } });
  const database = await openDatabase(config, silentLogger);
  await createRoutineRow(
    database.db,
    { now: () => new Date(), timezone: "Europe/Berlin", poke: () => {} },
    { name: "new year", schedule: "0 0 1 1 *", prompt: "Wish the owner a happy new year." },
  );
  await database.close();

  const list = await runCli(["routines", "list"], env);
  expect(list.exitCode).toBe(0);
  expect(list.stdout).toContain('new year  "0 0 1 1 *" Europe/Berlin  next ');
  expect(list.stdout).toContain("1 Jan");

  const empty = await runCli(["routines", "history", "new year"], env);
  expect(empty.stdout).toContain('"new year" has not run yet.');

  const disabled = await runCli(["routines", "disable", "new", "year"], env);
  expect(disabled.stdout).toContain('Disabled "new year".');
  expect((await runCli(["routines", "list"], env)).stdout).toContain("disabled");
  const enabled = await runCli(["routines", "enable", "new year"], env);
  expect(enabled.stdout).toContain('Enabled "new year"; next run');

  const unknown = await runCli(["routines", "run", "nope"], env);
  expect(unknown.exitCode).toBe(1);
  expect(unknown.stdout).toContain('No routine named "nope"');
  expect((await runCli(["routines", "frobnicate"], env)).exitCode).toBe(2);

  const queued = await runCli(["routines", "run", "new year"], env);
  expect(queued.stdout).toContain("Queued a run");

  llm.enqueue({ text: "Happy new year!" });
  const assistant = startAssistant(env);
  try {
    const deadline = Date.now() + 15_000;
    while (llm.requests.length === 0) {
      if (Date.now() > deadline) throw new Error(`the queued run never started:\n${assistant.output()}`);
      await Bun.sleep(50);
    }
    await assistant.waitFor(/routine run finished/);
  } finally {
    expect((await assistant.stop()).exitCode).toBe(0);
  }
  const history = await runCli(["routines", "history", "new year"], env);
  expect(history.stdout).toContain("attention");
  expect(history.stdout).toContain("manual");
  expect(history.stdout).toContain("Happy new year!");
}, 60_000);
