/**
 * The real `ironclaw run` process with Telegram configured through environment variables: a DM
 * is answered, and `ironclaw doctor` shows the live channel health from the running instance.
 */
import { afterAll, expect, test } from "bun:test";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { startTelegramFake } from "../fakes/telegram/bot-api-fake.ts";
import { childEnv, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

const llm = startOpenAiFake();
const telegram = startTelegramFake();
afterAll(async () => {
  await llm.close();
  await telegram.close();
});

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

test("a configured Telegram bot answers the owner, and doctor reports its live health", async () => {
  const env = childEnv({
    IRONCLAW_HOME: temporaryHome(),
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "gpt-test",
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    TELEGRAM_OWNER_ID: "31337",
    GATEWAY_PORT: String(freePort()),
  });
  const assistant = startAssistant(env);
  await assistant.waitFor(/telegram polling/);
  llm.enqueue({ text: "Hello from the real process." });
  telegram.pushMessage({ from: 31337, text: "hi" });
  const deadline = Date.now() + 15_000;
  while (!telegram.messages(31337).some((m) => m.plainText === "Hello from the real process.")) {
    if (Date.now() > deadline) throw new Error(`no reply; output:\n${assistant.output()}`);
    await Bun.sleep(25);
  }
  const doctor = await runCli(["doctor"], env);
  expect(doctor.stdout).toContain("telegram: enabled");
  expect(doctor.stdout).toMatch(/readyz: ready/);
  expect(doctor.stdout).toContain("channel:telegram: ok (polling)");
  expect(doctor.stdout).toContain("status: in use by another IronClaw");
  expect(doctor.exitCode).toBe(0);
  expect((await assistant.stop()).exitCode).toBe(0);
}, 60_000);
