/**
 * The real `ironclaw run` process with Discord configured through environment variables: a DM is
 * answered, and `ironclaw doctor` shows the live channel health from the running instance.
 */
import { afterAll, expect, test } from "bun:test";
import { startDiscordFake } from "../fakes/discord/discord-fake.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { childEnv, runCli, startAssistant, temporaryHome } from "../support/cli.ts";

const OWNER = "400000000000000007";
const llm = startOpenAiFake();
const discord = startDiscordFake();
afterAll(async () => {
  await llm.close();
  await discord.close();
});

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

test("a configured Discord bot answers the owner, and doctor reports its live health", async () => {
  const env = childEnv({
    IRONCLAW_HOME: temporaryHome(),
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "gpt-test",
    DISCORD_BOT_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_OWNER_ID: OWNER,
    GATEWAY_PORT: String(freePort()),
  });
  const assistant = startAssistant(env);
  await assistant.waitFor(/discord connected/);
  llm.enqueue({ text: "Hello from the real process." });
  discord.pushDm({ from: OWNER, text: "hi" });
  const channelId = discord.dmChannelId(OWNER);
  const deadline = Date.now() + 15_000;
  while (!discord.messages(channelId).some((message) => message.content === "Hello from the real process.")) {
    if (Date.now() > deadline) throw new Error(`no reply; output:\n${assistant.output()}`);
    await Bun.sleep(25);
  }
  const doctor = await runCli(["doctor"], env);
  expect(doctor.stdout).toContain("discord: enabled");
  expect(doctor.stdout).toMatch(/readyz: ready/);
  expect(doctor.stdout).toContain("channel:discord: ok (connected as ironclaw-test)");
  expect(doctor.exitCode).toBe(0);
  expect((await assistant.stop()).exitCode).toBe(0);
  expect(discord.connected).toBe(false); // the gateway session was closed on shutdown
}, 60_000);
