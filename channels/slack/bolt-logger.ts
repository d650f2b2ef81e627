/**
 * Bolt's and the Socket Mode client's log lines, routed into the host logger. Their `info` is
 * chatter ("Going to retrieve a new WSS URL…"), so it becomes debug; warnings and errors stay.
 */
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";

function line(parts: unknown[]): string {
  return parts.map((part) => (part instanceof Error ? part.message : String(part))).join(" ");
}

export function toBoltLogger(log: Logger): BoltLogger {
  const slack = log.child({ component: "slack-sdk" });
  return {
    debug: (...parts: unknown[]) => slack.debug(line(parts)),
    info: (...parts: unknown[]) => slack.debug(line(parts)),
    warn: (...parts: unknown[]) => slack.warn(line(parts)),
    error: (...parts: unknown[]) => slack.error(line(parts)),
    setLevel: () => {},
    // INFO keeps the SDK from serializing every payload for debug lines nobody reads.
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
