/**
 * The sandbox's backstop: a Worker that stays silent past its call's deadline (here a glue whose
 * `execute` blocks the thread, as a guest stuck outside metered code would) is terminated and
 * replaced; the call reports a timeout and the next call runs on the new Worker.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { silentLogger } from "../../../../src/log.ts";
import { createSandbox, type Sandbox } from "../../../../src/plugin/wasm/runtime/sandbox.ts";

const blockingGlue = `
export function instantiate() {
  return {
    description: () => "blocking",
    schema: () => '{"type":"object"}',
    execute(params) {
      if (params === '"hang"') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return "answered " + params;
    },
  };
}`;

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const request = (params: string) => ({
  params,
  context: "{}",
  timeoutMs: 200,
  signal: new AbortController().signal,
  hostCalls: async () => ({ meta: {} }),
});

describe("sandbox backstop", () => {
  test("a Worker stuck past the deadline is replaced and the next call works", async () => {
    sandbox = createSandbox({
      name: "blocking",
      glue: blockingGlue,
      modules: {},
      limits: {
        describeTimeoutMs: 1_000,
        memoryMiB: 64,
        resultChars: 1_000,
        logLinesPerCall: 10,
        logLineChars: 100,
      },
      channelBytes: 1024,
      graceMs: 300,
      log: silentLogger,
    });
    const described = await sandbox.start();
    expect(described.description).toEqual({ kind: "ok", content: "blocking" });
    expect(await sandbox.call(request('"first"'))).toEqual({ kind: "ok", content: 'answered "first"' });
    const stuck = await sandbox.call(request('"hang"'));
    expect(stuck).toMatchObject({ kind: "failed", reason: "timeout" });
    expect(sandbox.restarts).toBe(2);
    expect(await sandbox.call(request('"after"'))).toEqual({ kind: "ok", content: 'answered "after"' });
  }, 30_000);
});

describe("sandbox close", () => {
  test("a call running when the tool is unloaded ends at once, and later calls are refused", async () => {
    sandbox = createSandbox({
      name: "closing",
      glue: blockingGlue,
      modules: {},
      limits: {
        describeTimeoutMs: 1_000,
        memoryMiB: 64,
        resultChars: 1_000,
        logLinesPerCall: 10,
        logLineChars: 100,
      },
      channelBytes: 1024,
      graceMs: 5_000,
      log: silentLogger,
    });
    await sandbox.start();
    const running = sandbox.call({ ...request('"hang"'), timeoutMs: 10_000 });
    await Bun.sleep(50);
    await sandbox.close();
    expect(await running).toMatchObject({ kind: "failed", message: "the tool was unloaded during the call" });
    expect(await sandbox.call(request('"later"'))).toMatchObject({ kind: "failed" });
    expect(sandbox.restarts).toBe(1);
  }, 30_000);
});
