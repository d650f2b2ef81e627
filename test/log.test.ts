import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { configuredSecrets } from "../src/config-secrets.ts";
import { AppError } from "../src/errors.ts";
import { createLogger, type LogFormat } from "../src/log.ts";
import { redactionMarker } from "../src/log-redact.ts";

const secret = "sk-live-4f9a8b7c6d5e";

function capture(format: LogFormat = "json") {
  const lines: string[] = [];
  const log = createLogger({ format, level: "debug", write: (line) => lines.push(line), secrets: [secret] });
  return { log, lines, output: () => lines.join("\n") };
}

describe("secret redaction", () => {
  for (const format of ["json", "pretty"] as const) {
    test(`hides a secret in the message, fields, error messages, nested causes and stacks (${format})`, () => {
      const { log, output } = capture(format);
      const body = new Error(`401 {"error":{"message":"Incorrect API key provided: ${secret}"}}`);
      const wrapped = new AppError("llm_auth_failed", "The LLM rejected the API key", {
        cause: new Error("request failed", { cause: body }),
      });
      log.warn(`turn failed for ${secret}`, {
        key: secret,
        nested: { headers: { authorization: `Bearer ${secret}` } },
        error: wrapped,
        bug: new TypeError(`unexpected ${secret}`),
      });
      expect(output()).not.toContain(secret);
      expect(output()).toContain(redactionMarker);
      expect(output()).toContain("Incorrect API key provided: [REDACTED]"); // three levels down
      expect(output()).toContain("Bearer [REDACTED]");
    });
  }

  test("a secret JSON escapes or URL-encodes differently is hidden in those forms too", () => {
    const awkward = 'pa"ss\\word/+=';
    const lines: string[] = [];
    const log = createLogger({ format: "json", write: (line) => lines.push(line), secrets: [awkward] });
    log.info("connecting", { raw: awkward, query: `https://x.test/?key=${encodeURIComponent(awkward)}` });
    const line = lines[0] as string;
    expect(line).not.toContain(JSON.stringify(awkward).slice(1, -1));
    expect(line).not.toContain(encodeURIComponent(awkward));
    expect(JSON.parse(line)).toMatchObject({
      raw: redactionMarker,
      query: `https://x.test/?key=${redactionMarker}`,
    });
  });

  test("secrets added later reach the parent and every child, before and after they were made", () => {
    const lines: string[] = [];
    const root = createLogger({ write: (line) => lines.push(line) });
    const early = root.child({ component: "llm" });
    early.child({ turn: "t1" }).addSecrets(["generated-token-123"]);
    const late = root.child({ component: "gateway" });
    for (const log of [root, early, late]) log.info("token generated-token-123 seen");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toContain(`token ${redactionMarker} seen`);
  });

  test("values shorter than six characters are left alone, so ordinary words are not mangled", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), secrets: ["abc", "", undefined] });
    log.info("abc def");
    expect(lines[0]).toEndWith("abc def");
  });

  test("every variable marked secret is collected from the configuration, with a URL's password", () => {
    const home = "/nonexistent/ironclaw-home";
    const config = loadConfig({
      env: {
        IRONCLAW_HOME: home,
        OPENAI_API_KEY: "sk-openai-000111",
        TELEGRAM_BOT_TOKEN: "123456:telegram-token",
        DATABASE_URL: "postgres://owner:s3cr%40t-pw@db.internal:5432/ironclaw",
        LLM_MODEL: "gpt-visible",
      },
      file: { path: join(home, "ironclaw.toml"), values: {}, warnings: [] },
      settings: { GATEWAY_AUTH_TOKEN: "gateway-token-xyz" },
    });
    const secrets = configuredSecrets(config);
    expect(secrets).toEqual(
      expect.arrayContaining([
        "sk-openai-000111",
        "123456:telegram-token",
        "gateway-token-xyz",
        "s3cr@t-pw",
        "s3cr%40t-pw",
      ]),
    );
    expect(secrets).not.toContain("gpt-visible");
  });
});

describe("error detail in log lines", () => {
  test("errors are written with their cause chain; unexpected errors also with their stack", () => {
    const { log, lines } = capture();
    const cause = Object.assign(new Error("500 upstream exploded"), { status: 500 });
    log.warn("turn failed", {
      error: new AppError("llm_request_failed", "The model provider failed", { cause }),
      bug: new TypeError("x is undefined"),
    });
    const record = JSON.parse(lines[0] as string);
    expect(record.error).toEqual({
      name: "AppError",
      message: "The model provider failed",
      code: "llm_request_failed",
      cause: expect.objectContaining({ message: "500 upstream exploded", status: 500 }),
    });
    expect(record.bug.stack).toContain("TypeError: x is undefined");
  });
});
