#!/usr/bin/env bun
/**
 * The `ironclaw` command. Owns the process: argument dispatch, signals, and exit codes
 * (0 ok, 1 unexpected failure, 2 configuration or start-up problem the owner must fix — printed
 * as one line, without a stack trace).
 *
 * Start-up: for `run` on the embedded database, PGlite's WebAssembly starts compiling (on JSC's
 * background threads) before the rest of the assistant is loaded, so the two overlap.
 */
import { compilePgliteModule } from "./db/pglite-module.ts";

// Everything IronClaw creates (database files, logs, keys) is for the owner only (see home.ts).
process.umask(0o077);

const args = process.argv.slice(2);
if ((args[0] ?? "run") === "run" && !process.env.DATABASE_URL) void compilePgliteModule();
const { runCli } = await import("./cli/index.ts");
process.exitCode = await runCli(args, process.env);
