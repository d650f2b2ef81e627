// Runs once before the test files: quiet logs, a fixed timezone, and the migrated templates.
import { prepareTemplates } from "./db.ts";

process.env.TZ = "UTC";
await prepareTemplates();
