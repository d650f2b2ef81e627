/**
 * The one check CI runs (`npm test`): type-check, lint, then the whole test suite. Ends with the
 * line `N passed, N failed` (a failed type-check or lint counts as a failure) and exits non-zero
 * on any failure. Extra arguments are passed to `bun test` (e.g. a path filter).
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const testArgs = process.argv.slice(2);
let failedSteps = 0;

async function step(title: string, command: string[]): Promise<boolean> {
  process.stdout.write(`\n== ${title}: ${command.map((part) => part.replace(root, ".")).join(" ")}\n`);
  const child = Bun.spawn(command, { cwd: root, stdout: "inherit", stderr: "inherit", env: process.env });
  const ok = (await child.exited) === 0;
  if (!ok) {
    failedSteps++;
    process.stdout.write(`== ${title} FAILED\n`);
  }
  return ok;
}

if (testArgs.length === 0) {
  await step("typecheck", [bin("tsc"), "--noEmit"]);
  await step("lint", [bin("biome"), "check", "."]);
}

const report = join(tmpdir(), `ironclaw-junit-${process.pid}.xml`);
await step("tests", [
  process.execPath,
  "test",
  "--reporter=junit",
  `--reporter-outfile=${report}`,
  "--timeout=30000",
  ...testArgs,
]);

let passed = 0;
let failed = 0;
try {
  const xml = readFileSync(report, "utf8");
  const totals = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? "";
  const read = (attribute: string) => Number(new RegExp(`\\b${attribute}="(\\d+)"`).exec(totals)?.[1] ?? 0);
  const tests = read("tests");
  failed = read("failures") + read("errors");
  passed = tests - failed - read("skipped");
  rmSync(report, { force: true });
} catch {
  failedSteps++;
  process.stdout.write("== could not read the test report\n");
}

const database = process.env.TEST_DATABASE_URL
  ? "PGlite and PostgreSQL"
  : "PGlite only (set TEST_DATABASE_URL for PostgreSQL)";
process.stdout.write(`\ndatabase backends: ${database}\n`);
process.stdout.write(`${passed} passed, ${failed + failedSteps} failed\n`);
process.exit(failed + failedSteps > 0 ? 1 : 0);
