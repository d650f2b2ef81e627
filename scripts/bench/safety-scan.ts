/**
 * Throughput of the safety scan and what it adds to one tool result. Prints the leak detector's
 * scan speed (MB/s) on prose and on base64-heavy text, with 0 and 50 known secrets (each looked
 * for in its seven forms), and the added latency per tool result: the full result hook (leak scan,
 * output policy, injection markers, wrapping) on results of 1 KB, 10 KB and the 100 KB cap.
 *
 *   bun scripts/bench/safety-scan.ts
 */
import { MAX_TOOL_OUTPUT_CHARS } from "../../src/agent/tool-runner.ts";
import { silentLogger } from "../../src/log.ts";
import { createLeakDetector } from "../../src/safety/leak-detector.ts";
import { createToolResultGuard } from "../../src/safety/tool-result-guard.ts";
import { createTestToolContext } from "../../test/support/tool-context.ts";

const prose = "The quick brown fox jumps over the lazy dog; meeting at 10:30, see notes/today.md. ";
const base64ish = Buffer.from("x".repeat(3000)).toString("base64");
const secrets = Array.from({ length: 50 }, (_, index) => `bench-secret-${index}-${"k".repeat(20)}`);

function textOf(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}

function throughput(label: string, text: string, values: readonly string[]): void {
  const detector = createLeakDetector({ secretValues: () => values });
  detector.scan(text.slice(0, 10_000));
  const rounds = 5;
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) detector.scan(text);
  const seconds = (performance.now() - started) / 1000;
  const megabytes = (text.length * rounds) / (1024 * 1024);
  console.log(`${label.padEnd(44)} ${(megabytes / seconds).toFixed(1).padStart(8)} MB/s`);
}

async function latency(chars: number): Promise<void> {
  const detector = createLeakDetector({ secretValues: () => secrets });
  const hook = createToolResultGuard({ detector, audit: async () => {} });
  const context = createTestToolContext({ log: silentLogger });
  const content = textOf(prose, chars);
  const rounds = 200;
  for (let round = 0; round < 20; round += 1) await hook({ tool: "bench", result: { content }, context });
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) await hook({ tool: "bench", result: { content }, context });
  const perResultMs = (performance.now() - started) / rounds;
  console.log(
    `added latency, ${String(chars).padStart(6)} char result          ${perResultMs.toFixed(3).padStart(8)} ms`,
  );
}

const tenMegabytes = 10 * 1024 * 1024;
throughput("scan prose, no known secrets", textOf(prose, tenMegabytes), []);
throughput("scan prose, 50 known secrets", textOf(prose, tenMegabytes), secrets);
throughput("scan base64-heavy text, 50 known secrets", textOf(base64ish, tenMegabytes), secrets);
for (const chars of [1_000, 10_000, MAX_TOOL_OUTPUT_CHARS]) await latency(chars);
