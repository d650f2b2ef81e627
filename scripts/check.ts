/**
 * The one check CI runs (`npm test`): type-check, lint, then the whole test suite. Ends with the
 * line `N passed, N failed` (a failed type-check or lint counts as a failure) and exits non-zero
 * on any failure. Extra arguments are passed to `bun test` (e.g. a path filter).
 *
 * Most of the suite's time is waiting (fake platforms, long-polls, deadlines), so without a filter
 * the test files run in `TEST_SHARDS` (default 2) `bun test` processes at once, each file in
 * exactly one of them; the container tests stay together in one shard (they share the engine).
 * `TEST_SHARDS=1` runs them all in one process.
 */
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const testArgs = process.argv.slice(2);
let failedSteps = 0;

async function run(command: string[]): Promise<boolean> {
  const child = Bun.spawn(command, { cwd: root, stdout: "inherit", stderr: "inherit", env: process.env });
  return (await child.exited) === 0;
}

async function step(title: string, command: string[]): Promise<boolean> {
  process.stdout.write(`\n== ${title}: ${command.map((part) => part.replace(root, ".")).join(" ")}\n`);
  const ok = await run(command);
  if (!ok) {
    failedSteps++;
    process.stdout.write(`== ${title} FAILED\n`);
  }
  return ok;
}

/** The test files split into `count` groups: whole folders of container tests stay in one. */
function shardFiles(count: number): string[][] {
  const files = [...new Bun.Glob("test/**/*.test.ts").scanSync({ cwd: root })].sort();
  const shards: string[][] = Array.from({ length: count }, () => []);
  files.forEach((file, index) => {
    const target = file.startsWith("test/jobs/") ? 0 : index % count;
    shards[target]?.push(`./${relative(root, join(root, file))}`);
  });
  return shards.filter((shard) => shard.length > 0);
}

if (testArgs.length === 0) {
  await step("typecheck", [bin("tsc"), "--noEmit"]);
  await step("lint", [bin("biome"), "check", "."]);
}

const testCommand = (report: string, files: string[]) => [
  process.execPath,
  "test",
  "--reporter=junit",
  `--reporter-outfile=${report}`,
  "--timeout=30000",
  ...files,
];
const shardCount = testArgs.length > 0 ? 1 : Math.max(1, Number(process.env.TEST_SHARDS ?? 2) || 1);
const shards = shardCount > 1 ? shardFiles(shardCount) : [testArgs];
const reports = shards.map((_, index) => join(tmpdir(), `ironclaw-junit-${process.pid}-${index}.xml`));
process.stdout.write(
  `\n== tests: ${shards.length} bun test process${shards.length > 1 ? "es" : ""}` +
    `${shards.length > 1 ? ` (${shards.map((shard) => `${shard.length} files`).join(", ")})` : ""}\n`,
);
const exits = await Promise.all(
  shards.map((files, index) => run(testCommand(reports[index] as string, files))),
);

let passed = 0;
let failed = 0;
for (const [index, report] of reports.entries()) {
  const failedBefore = failed;
  try {
    const xml = readFileSync(report, "utf8");
    const totals = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? "";
    const read = (attribute: string) => Number(new RegExp(`\\b${attribute}="(\\d+)"`).exec(totals)?.[1] ?? 0);
    const tests = read("tests");
    const failures = read("failures") + read("errors");
    failed += failures;
    passed += tests - failures - read("skipped");
    rmSync(report, { force: true });
  } catch {
    failedSteps++;
    process.stdout.write(`== could not read the test report ${report}\n`);
    continue;
  }
  // A process that failed without a failing test (a crash, an unhandled error between tests).
  if (!exits[index] && failed === failedBefore) {
    failedSteps++;
    process.stdout.write(`== tests (shard ${index + 1}) FAILED without a failing test: see its output\n`);
  }
}

const database = process.env.TEST_DATABASE_URL
  ? "PGlite and PostgreSQL"
  : "PGlite only (set TEST_DATABASE_URL for PostgreSQL)";
process.stdout.write(`\ndatabase backends: ${database}\n`);
process.stdout.write(`${passed} passed, ${failed + failedSteps} failed\n`);
process.exit(failed + failedSteps > 0 ? 1 : 0);
