// Runs once before the test files: quiet logs, a fixed timezone, and the migrated templates.
import { afterAll } from "bun:test";
import { killLeftoverAssistants } from "./cli.ts";
import { prepareTemplates } from "./db.ts";

process.env.TZ = "UTC";
await prepareTemplates();
// A failing process test must not leave an assistant running (it holds memory, ports, folders).
afterAll(killLeftoverAssistants);
