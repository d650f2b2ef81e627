/**
 * The real `ironclaw run` process with Slack configured through environment variables: in Socket
 * Mode and in HTTP mode (events posted to the real gateway), a DM is answered, and
 * `ironclaw doctor` shows the live channel health from the running instance.
 */
import { afterAll, expect, test } from "bun:test";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { type SlackFake, startSlackFake } from "../fakes/slack/slack-fake.ts";
import { childEnv, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

const OWNER = "U0OWNER";
const llm = startOpenAiFake();
const fakes: SlackFake[] = [];
afterAll(async () => {
  await llm.close();
  for (const slack of fakes) await slack.close();
});

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

async function answered(slack: SlackFake, text: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!slack.messages(slack.imOf(OWNER)).some((message) => message.plainText === text)) {
    if (Date.now() > deadline) throw new Error(`no reply; output:\n${output()}`);
    await Bun.sleep(25);
  }
}

for (const mode of ["socket", "http"] as const) {
  test(`a configured Slack app (${mode} mode) answers the owner, and doctor reports its live health`, async () => {
    const slack = await startSlackFake();
    fakes.push(slack);
    const port = freePort();
    const env = childEnv({
      IRONCLAW_HOME: temporaryHome(),
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: "gpt-test",
      SLACK_BOT_TOKEN: slack.botToken,
      ...(mode === "socket"
        ? { SLACK_APP_TOKEN: slack.appToken }
        : { SLACK_SIGNING_SECRET: slack.signingSecret }),
      SLACK_API_URL: slack.apiUrl,
      SLACK_OWNER_ID: OWNER,
      GATEWAY_PORT: String(port),
    });
    const assistant = startAssistant(env);
    await assistant.waitFor(/slack ready/);
    await assistant.waitFor(/ready gateway=/);
    if (mode === "http") slack.deliverOverHttp(`http://127.0.0.1:${port}/channels/slack/events`);
    llm.enqueue({ text: `Hello over ${mode}.` });
    const delivery = slack.pushDm({ from: OWNER, text: "hi" });
    await answered(slack, `Hello over ${mode}.`, assistant.output);
    expect((await delivery.done).acknowledged).toBe(true);
    const doctor = await runCli(["doctor"], env);
    expect(doctor.stdout).toContain("slack: enabled");
    expect(doctor.stdout).toMatch(/readyz: ready/);
    expect(doctor.stdout).toContain(
      `channel:slack: ok (${mode === "socket" ? "socket mode" : "http events"})`,
    );
    expect(doctor.exitCode).toBe(0);
    expect((await assistant.stop()).exitCode).toBe(0);
  }, 60_000);
}
