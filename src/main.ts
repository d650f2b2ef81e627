#!/usr/bin/env bun
/**
 * The `ironclaw` command. Owns the process: argument dispatch, signals, and exit codes
 * (0 ok, 1 unexpected failure, 2 configuration or start-up problem the owner must fix — printed
 * as one line, without a stack trace).
 */
import { runCli } from "./cli/index.ts";

// Everything IronClaw creates (database files, logs, keys) is for the owner only (see home.ts).
process.umask(0o077);

process.exitCode = await runCli(process.argv.slice(2), process.env);
