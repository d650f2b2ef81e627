/**
 * Resident memory of the real assistant process (`ironclaw run` in a child, talking to a
 * wire-level fake OpenAI server, driven through the HTTP API): at ready after the very first start
 * of a fresh IRONCLAW_HOME, after 100 and after 1,000 trivial turns, and at ready after a restart;
 * each right away and again after 2.5 s of quiet.
 * Embedded PGlite always; PostgreSQL too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set.
 *
 *   bun scripts/bench/memory.ts
 *   bash scripts/with-postgres.sh bun scripts/bench/memory.ts
 */
import { readFileSync } from "node:fs";
import { startOpenAiFake } from "../../test/fakes/llm/openai-fake.ts";
import { childEnv, startAssistant, temporaryHome } from "../../test/support/cli.ts";

const turnsTotal = Number(process.env.BENCH_TURNS ?? 1000);
const token = "bench-token-0123456789";
const idleWaitMs = 2500;
const runtimeArgs = (process.env.BENCH_BUN_ARGS ?? "").split(" ").filter(Boolean);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function measure(backend: string, databaseUrl?: string): Promise<void> {
  const llm = startOpenAiFake({ apiKey: "bench-key" });
  const env = childEnv({
    IRONCLAW_HOME: temporaryHome(),
    OPENAI_API_KEY: "bench-key",
    OPENAI_BASE_URL: `${llm.url}/v1`,
    LLM_MODEL: "bench-model",
    GATEWAY_AUTH_TOKEN: token,
    GATEWAY_RATE_LIMIT: "1000000/1s",
    HEARTBEAT_ENABLED: "false",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  // RSS at once, and again once the process has been quiet for a moment (it gives the garbage of
  // a burst back then: src/idle-collector.ts).
  const line = async (label: string, pid: number) => {
    const busy = rssMb(pid);
    await Bun.sleep(idleWaitMs);
    console.log(
      `${backend.padEnd(10)} ${label.padEnd(30)} ${String(busy).padStart(4)} MB RSS, idle ${rssMb(pid)} MB`,
    );
  };

  const first = startAssistant(env, ["run"], runtimeArgs);
  const gateway = (await first.waitFor(/ready gateway=(http:\/\/\S+)/, 120_000))[1] as string;
  const pid = first.child.pid;
  await line("ready after the first start", pid);

  let sent = 0;
  const send = async () => {
    llm.enqueue({ text: "pong" });
    const response = await fetch(`${gateway}/api/chat/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: `ping ${sent}`, thread_id: `bench-${sent % 10}` }),
    });
    if (!response.ok) throw new Error(`turn ${sent}: HTTP ${response.status} ${await response.text()}`);
    await response.json();
    sent++;
  };
  const started = performance.now();
  for (const checkpoint of new Set([Math.min(100, turnsTotal), turnsTotal])) {
    while (sent < checkpoint) await send();
    await line(`after ${checkpoint} turns`, pid);
    if (checkpoint === 100)
      process.stderr.write(`  (${((performance.now() - started) / 100).toFixed(1)} ms per turn)\n`);
  }
  await first.stop();

  const again = startAssistant(env, ["run"], runtimeArgs);
  await again.waitFor(/ready gateway=/, 60_000);
  await line("ready after a restart", again.child.pid);
  await again.stop();
  await llm.close();
}

await measure("pglite");
const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (url) await measure("postgres", url);
else console.log("postgres   (skipped: set BENCH_DATABASE_URL or run under scripts/with-postgres.sh)");
