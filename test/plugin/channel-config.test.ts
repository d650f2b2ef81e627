/**
 * Channels declare their own configuration (channels/<name>/config.ts): the config loader, the
 * secret redaction, the owner check, `doctor`'s channel lines and the README table all read the
 * declarations, so a channel's variables cannot be forgotten anywhere.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { channelEntries, channelOwnerId, channelVariables, describeChannels } from "../../channels/index.ts";
import { loadConfig } from "../../src/config.ts";
import { configuredSecrets } from "../../src/config-secrets.ts";
import { variables } from "../../src/config-variables.ts";

const noFile = { path: "/nonexistent/ironclaw.toml", values: {}, warnings: [] };

test("every declared channel variable is in the one variable table", () => {
  const names = new Set(variables.map((spec) => spec.name));
  for (const entry of channelEntries) {
    expect(entry.config.variables.length).toBeGreaterThan(0);
    for (const variable of entry.config.variables) expect(names.has(variable.name)).toBe(true);
    if (entry.config.ownerIdVariable) {
      expect(entry.config.variables.map((variable) => variable.name)).toContain(entry.config.ownerIdVariable);
    }
  }
  expect(channelVariables.map((variable) => variable.name)).toContain("SLACK_SIGNING_SECRET");
  expect(new Set(variables.map((spec) => spec.name)).size).toBe(variables.length);
});

test("declared values are parsed, redacted when secret, and name the owner", () => {
  const config = loadConfig({
    env: {
      IRONCLAW_HOME: "/tmp/ironclaw-channel-config",
      TELEGRAM_BOT_TOKEN: "123:telegram-secret-token",
      TELEGRAM_OWNER_ID: "42",
      DISCORD_BOT_TOKEN: "discord-secret-token",
      DISCORD_API_URL: "http://127.0.0.1:9/api/",
    },
    file: noFile,
  });
  expect(config.values.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
  expect(config.values.DISCORD_API_URL).toBe("http://127.0.0.1:9/api");
  expect(configuredSecrets(config)).toEqual(
    expect.arrayContaining(["123:telegram-secret-token", "discord-secret-token"]),
  );
  expect(channelOwnerId(config.values, "telegram")).toBe("42");
  expect(channelOwnerId(config.values, "discord")).toBeUndefined();
  expect(channelOwnerId(config.values, "hostile")).toBeUndefined();
  expect(describeChannels(config).map((status) => [status.id, status.enabled])).toEqual([
    ["telegram", true],
    ["discord", true],
    ["slack", false],
  ]);
});

test("a bad declared value stops loading with the variable's name", () => {
  expect(() =>
    loadConfig({ env: { IRONCLAW_HOME: "/tmp/x", DISCORD_OWNER_ID: "not-a-number" }, file: noFile }),
  ).toThrow("DISCORD_OWNER_ID: must be a numeric user id");
});

test("the enabling rule is the declaration's", () => {
  const webhookWithoutSecret = loadConfig({
    env: { IRONCLAW_HOME: "/tmp/x", TELEGRAM_BOT_TOKEN: "t", TELEGRAM_MODE: "webhook" },
    file: noFile,
  });
  expect(describeChannels(webhookWithoutSecret)[0]).toEqual({
    id: "telegram",
    enabled: false,
    available: true,
    reason: "TELEGRAM_WEBHOOK_SECRET is not set (required in webhook mode)",
  });
});

test("the README configuration table names every variable", () => {
  const readme = readFileSync(join(import.meta.dir, "../../README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Channels"));
  expect(variables.map((spec) => spec.name).filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
});
