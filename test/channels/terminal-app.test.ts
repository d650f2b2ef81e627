/**
 * The terminal chat inside the whole app (startApp in-process, embedded database, the real OpenAI
 * SDK against the fake LLM): stdout and stderr share one screen, as in a real terminal, and once
 * the chat opens the screen carries no log lines — they are in IRONCLAW_HOME/logs/ironclaw.log —
 * while a single key answers the approval prompt of a risky tool.
 */
import { afterEach, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type App, startApp } from "../../src/app.ts";
import { startOpenAiFake } from "../fakes/llm/openai-fake.ts";
import { temporaryHome } from "../support/cli.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A keyboard and a screen posing as a TTY. */
function fakeTerminal() {
  const keyboard = Object.assign(new PassThrough(), {
    isTTY: true,
    isRaw: false,
    setRawMode(mode: boolean) {
      keyboard.isRaw = mode;
      return keyboard;
    },
  });
  const display = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  display.setEncoding("utf8");
  let shown = "";
  display.on("data", (chunk: string) => {
    shown += chunk;
  });
  return { keyboard, display, screen: () => shown };
}

async function waitFor(condition: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; ${what()}`);
    await Bun.sleep(10);
  }
}

test("chatting in the terminal: no log lines on screen (they go to the log file), one key approves", async () => {
  const llm = startOpenAiFake();
  cleanups.push(() => llm.close());
  const routine = { name: "rent", schedule: "0 9 1 * *", prompt: "Remind the owner to pay rent" };
  llm.enqueue(
    { toolCalls: [{ id: "c1", name: "routine_create", arguments: JSON.stringify(routine) }] },
    { text: "Scheduled: rent." },
  );
  const home = temporaryHome();
  const { keyboard, display, screen } = fakeTerminal();
  const app: App = await startApp({
    env: {
      IRONCLAW_HOME: home,
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: "gpt-test",
      GATEWAY_PORT: "0",
      HEARTBEAT_ENABLED: "false",
      TZ: "UTC",
    },
    interactive: true,
    terminal: { input: keyboard, output: display, errors: display },
  });
  cleanups.push(() => app.stop());
  const shownScreen = () => `screen so far: ${JSON.stringify(screen())}`;

  keyboard.write("remind me to pay rent on the first\r");
  await waitFor(() => screen().includes("Approve? [a] yes"), shownScreen);
  expect(screen()).toContain("Approval needed: routine_create");
  keyboard.write("a");
  await waitFor(() => screen().includes("Scheduled: rent."), shownScreen);
  expect(screen()).toContain("Approved: routine_create");
  await app.stop();

  const logFile = join(home, "logs", "ironclaw.log");
  const notice = `Logs are written to ${logFile} while you chat here.`;
  // Start-up lines before the chat opens may show; from the notice on, only the conversation.
  const chat = screen().slice(screen().indexOf(notice));
  expect(chat).toStartWith(notice);
  expect(screen().split(notice)).toHaveLength(2); // said once
  const logs = readFileSync(logFile, "utf8");
  for (const line of ["channel started", "approval requested", "approval decided", "stopped"]) {
    expect(logs).toContain(line);
    expect(chat).not.toContain(line);
  }
  expect(chat).not.toMatch(/\b(INFO|WARN|ERROR)\b/);
  expect(statSync(logFile).mode & 0o777).toBe(0o600);
  expect(statSync(join(home, "logs")).mode & 0o777).toBe(0o700);
}, 60_000);
