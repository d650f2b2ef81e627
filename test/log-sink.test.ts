import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogSink } from "../src/log-sink.ts";

const modeOf = (path: string) => statSync(path).mode & 0o777;

test("lines go to the screen until switched to a file (0700 folder, 0600 file), and back after close", () => {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-logs-"));
  const path = join(home, "logs", "ironclaw.log");
  const screen: string[] = [];
  const sink = createLogSink((line) => screen.push(line));
  sink.write("before");
  sink.toFile(path);
  sink.write("one");
  sink.write("two");
  sink.close();
  sink.write("after");
  expect(screen).toEqual(["before", "after"]);
  expect(readFileSync(path, "utf8")).toBe("one\ntwo\n");
  expect(modeOf(join(home, "logs"))).toBe(0o700);
  expect(modeOf(path)).toBe(0o600);
});

test("an existing log is appended to, and loose permissions are tightened", () => {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-logs-"));
  mkdirSync(join(home, "logs"), { mode: 0o755 });
  chmodSync(join(home, "logs"), 0o755);
  const path = join(home, "logs", "ironclaw.log");
  writeFileSync(path, "earlier run\n", { mode: 0o644 });
  chmodSync(path, 0o644);
  const sink = createLogSink(() => {});
  sink.toFile(path);
  sink.write("this run");
  sink.close();
  expect(readFileSync(path, "utf8")).toBe("earlier run\nthis run\n");
  expect(modeOf(join(home, "logs"))).toBe(0o700);
  expect(modeOf(path)).toBe(0o600);
});

test("a log file that cannot be opened throws and leaves the lines on the screen", () => {
  const home = mkdtempSync(join(tmpdir(), "ironclaw-logs-"));
  writeFileSync(join(home, "logs"), "a file where the folder should be");
  const screen: string[] = [];
  const sink = createLogSink((line) => screen.push(line));
  expect(() => sink.toFile(join(home, "logs", "ironclaw.log"))).toThrow();
  sink.write("still here");
  expect(screen).toEqual(["still here"]);
});
