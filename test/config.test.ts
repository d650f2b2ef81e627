import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, readConfigFile } from "../src/config.ts";
import { ConfigError } from "../src/errors.ts";

function homeWith(toml?: string): string {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-config-"));
  if (toml !== undefined) writeFileSync(join(home, "ironclaw.toml"), toml);
  return home;
}

describe("config precedence", () => {
  test("environment beats the file, the file beats settings, settings beat defaults", () => {
    const home = homeWith('llm_model = "from-file"\ngateway_port = 4001\n');
    const settings = { LLM_MODEL: "from-settings", GATEWAY_PORT: "4002", LOG_LEVEL: "debug" };
    const fromEnv = loadConfig({ env: { IRONCLAW_HOME: home, LLM_MODEL: "from-env" }, settings });
    expect(fromEnv.llm.model).toBe("from-env");
    expect(fromEnv.sources.LLM_MODEL).toBe("env");
    expect(fromEnv.gateway.port).toBe(4001);
    expect(fromEnv.sources.GATEWAY_PORT).toBe("file");
    expect(fromEnv.log.level).toBe("debug");
    expect(fromEnv.sources.LOG_LEVEL).toBe("settings");
    expect(fromEnv.log.format).toBe("pretty");
    expect(fromEnv.sources.LOG_FORMAT).toBe("default");
  });

  test("toml tables map onto variable names", () => {
    const home = homeWith(
      '[telegram]\nbot_token = "123:abc"\nowner_id = 42\n[llm]\nfallbacks = ["anthropic:claude-x", "ollama:llama3.2"]\n',
    );
    const config = loadConfig({ env: { IRONCLAW_HOME: home } });
    expect(config.values.TELEGRAM_BOT_TOKEN).toBe("123:abc");
    expect(config.values.TELEGRAM_OWNER_ID).toBe("42");
    expect(config.llm.fallbacks).toEqual([
      { backend: "anthropic", model: "claude-x" },
      { backend: "ollama", model: "llama3.2" },
    ]);
  });

  test("defaults when nothing is set, and the result is frozen", () => {
    const config = loadConfig({ env: { IRONCLAW_HOME: homeWith() } });
    expect(config.database.url).toBeUndefined();
    expect(config.gateway).toEqual({
      host: "127.0.0.1",
      port: 3000,
      authToken: undefined,
      rateLimit: { limit: 30, windowMs: 60_000 },
      maxBodyBytes: 1024 * 1024,
    });
    expect(config.approvalTimeoutMs).toBe(30 * 60_000);
    expect(config.agent.maxIterations).toBe(25);
    expect(config.heartbeat.schedule).toBe("*/30 * * * *");
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.gateway)).toBe(true);
  });

  test("IRONCLAW_HOME defaults to ~/.ironclaw", () => {
    const config = loadConfig({
      env: { HOME: "/home/someone" },
      file: { path: "x", values: {}, warnings: [] },
    });
    expect(config.home).toBe("/home/someone/.ironclaw");
  });
});

describe("config errors", () => {
  const cases: [Record<string, string>, string][] = [
    [{ GATEWAY_PORT: "eighty" }, "GATEWAY_PORT: must be a whole number from 0 to 65535"],
    [{ TELEGRAM_OWNER_ID: "@me" }, "TELEGRAM_OWNER_ID: must be a numeric user id"],
    [{ LLM_BACKEND: "gpt" }, "LLM_BACKEND: must be one of openai, anthropic, ollama, openai_compatible"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL: must be a URL starting with postgres:// or postgresql://"],
    [{ APPROVAL_TIMEOUT: "soon" }, 'APPROVAL_TIMEOUT: must be a duration such as "30s", "30m" or "1h"'],
    [{ TZ: "Mars/Olympus" }, 'TZ: must be an IANA timezone such as "UTC" or "Europe/Berlin"'],
    [{ LLM_FALLBACKS: "anthropic" }, "LLM_FALLBACKS: must be a comma list of backend:model"],
    [{ HEARTBEAT_QUIET_HOURS: "late" }, 'HEARTBEAT_QUIET_HOURS: must be a range such as "22:00-07:00"'],
  ];
  for (const [env, message] of cases) {
    test(`${Object.keys(env)[0]} invalid → ConfigError naming it`, () => {
      let caught: unknown;
      try {
        loadConfig({ env: { IRONCLAW_HOME: homeWith(), ...env } });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe(Object.keys(env)[0] as string);
      expect((caught as ConfigError).message).toStartWith(message);
    });
  }

  test("a bad value in the file names the variable and the file", () => {
    const home = homeWith("gateway_port = -1\n");
    expect(() => loadConfig({ env: { IRONCLAW_HOME: home } })).toThrow(
      `GATEWAY_PORT: must be a whole number from 0 to 65535 (in ${join(home, "ironclaw.toml")})`,
    );
  });

  test("malformed toml names the line", () => {
    const home = homeWith('llm_model = "ok"\nthis is not toml\n');
    expect(() => readConfigFile(home)).toThrow(/ironclaw\.toml: invalid TOML at line 2/);
  });

  test("unknown keys become warnings naming the key", () => {
    const home = homeWith('llm_modle = "typo"\n[telegram]\nbot_tokn = "x"\n');
    const config = loadConfig({ env: { IRONCLAW_HOME: home } });
    expect(config.warnings).toHaveLength(2);
    expect(config.warnings[0]).toContain('unknown key "llm_modle"');
    expect(config.warnings[1]).toContain('unknown key "telegram_bot_tokn"');
  });
});
