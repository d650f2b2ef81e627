import { expect, test } from "bun:test";
import { childEnv, runCli, temporaryHome } from "../support/cli.ts";

test("doctor names the missing variable for each disabled channel and masks secrets", async () => {
  const result = await runCli(
    ["doctor"],
    childEnv({
      IRONCLAW_HOME: temporaryHome(),
      OPENAI_API_KEY: "sk-test-very-secret-value",
      SLACK_BOT_TOKEN: "xoxb-secret-slack-token",
    }),
  );
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("telegram: disabled (TELEGRAM_BOT_TOKEN is not set)");
  expect(result.stdout).toContain("discord: disabled (DISCORD_BOT_TOKEN is not set)");
  expect(result.stdout).toContain(
    "slack: disabled (SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) is not set)",
  );
  expect(result.stdout).toContain("backend: embedded PGlite");
  expect(result.stdout).toContain("configured: openai:gpt-4o-mini");
  expect(result.stdout).toContain("status: connected");
  expect(result.stdout).toMatch(/OPENAI_API_KEY +sk-t…\*\*\* +\[env\]/);
  expect(result.stdout).not.toContain("very-secret");
  expect(result.stdout).not.toContain("secret-slack");
}, 30_000);

test("doctor reports an unreachable database and exits 1", async () => {
  const result = await runCli(
    ["doctor"],
    childEnv({
      IRONCLAW_HOME: temporaryHome(),
      DATABASE_URL: "postgres://u:pw@127.0.0.1:9/x",
      DATABASE_CONNECT_TIMEOUT: "200ms",
    }),
  );
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain("status: NOT OK — DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:9");
  expect(result.stdout).toContain("postgres://u:***@127.0.0.1:9/x");
});

test("doctor says who the owner is on each enabled channel, from its declaration", async () => {
  const result = await runCli(
    ["doctor"],
    childEnv({
      IRONCLAW_HOME: temporaryHome(),
      TELEGRAM_BOT_TOKEN: "123:telegram-doctor-token",
      TELEGRAM_OWNER_ID: "42",
      DISCORD_BOT_TOKEN: "discord-doctor-token",
    }),
  );
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("telegram: enabled (owner: TELEGRAM_OWNER_ID)");
  expect(result.stdout).toContain("discord: enabled (owner: whoever pairs)");
  expect(result.stdout).not.toContain("telegram-doctor-token");
}, 30_000);
