/**
 * The sandbox Worker of one WASM tool (started with an empty environment). It instantiates the
 * tool's component from the compiled core modules it was given, a fresh instance for every call
 * (made ahead of time, right after the previous call, so a warm call does not wait), and gives
 * the guest nothing but the WIT's host functions: the import object below is the guest's whole
 * world. Capabilities that need the host (HTTP, workspace, secrets) are synchronous host calls
 * over the SharedArrayBuffer (sync-channel.ts); the main thread checks them against the manifest.
 *
 * Deadlines: metered loops trap once the host raises the stop flag (stop-flag.ts); a host call
 * waits only until the deadline. An instance that threw, trapped or timed out is dropped, never
 * reused.
 */
import type { CallOutcome, FailureReason, HostCallName, StartMessage, WorkerToHost } from "./protocol.ts";
import { readStop } from "./stop-flag.ts";
import { waitForAnswer } from "./sync-channel.ts";

declare const self: Worker;

const post = (message: WorkerToHost) => self.postMessage(message);

interface GuestExports {
  description(): unknown;
  schema(): unknown;
  execute(params: string, context: string): unknown;
}
type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, unknown>,
  instantiateCore: (module: WebAssembly.Module, imports: Record<string, unknown>) => WebAssembly.Instance,
) => GuestExports;

class StopGuest extends Error {}

/** What the current call is allowed and has used; reset per call. */
const call = {
  id: 0,
  startedAt: 0,
  deadline: Number.POSITIVE_INFINITY,
  stop: undefined as FailureReason | undefined,
  logLines: 0,
};
let hostSeq = 0;
let start: StartMessage;
let instantiate: Instantiate;
let memories: WebAssembly.Memory[] = [];
let ready: { exports: GuestExports; memories: WebAssembly.Memory[] } | undefined;

function stop(reason: FailureReason): never {
  call.stop = reason;
  throw new StopGuest(reason);
}

function hostCall(name: HostCallName, args: Record<string, unknown>, body?: Uint8Array) {
  hostSeq += 1;
  post({ type: "host-call", seq: hostSeq, callId: call.id, name, args, ...(body ? { body } : {}) });
  const answer = waitForAnswer(start.channel, hostSeq, call.deadline, call.id);
  if (answer === "timeout") stop("timeout");
  if (answer === "cancelled") stop(readStop(start.stopFlag) ?? "cancelled"); // the host woke us: why
  return answer;
}

const logLevels = new Set(["debug", "info", "warn", "error"]);
const host = {
  log(level: string, message: string): void {
    call.logLines += 1;
    if (call.logLines > start.limits.logLinesPerCall) {
      if (call.logLines === start.limits.logLinesPerCall + 1) {
        post({ type: "log", level: "warn", message: "further log lines of this call dropped" });
      }
      return;
    }
    const text = String(message);
    const capped =
      text.length > start.limits.logLineChars ? `${text.slice(0, start.limits.logLineChars)}…` : text;
    post({ type: "log", level: logLevels.has(level) ? (level as "info") : "info", message: capped });
  },
  nowMillis: (): bigint => BigInt(Date.now()),
  randomBytes(length: number): Uint8Array {
    const bytes = new Uint8Array(Math.min(length >>> 0, 4096));
    crypto.getRandomValues(bytes);
    return bytes;
  },
  workspaceRead(path: string) {
    const { meta } = hostCall("workspace-read", { path });
    return meta.ok === true
      ? { tag: "ok", val: String(meta.value) }
      : { tag: "err", val: String(meta.error) };
  },
  secretExists(name: string): boolean {
    return hostCall("secret-exists", { name }).meta.value === true;
  },
  httpRequest(
    method: string,
    url: string,
    headersJson: string,
    body: Uint8Array | undefined,
    timeoutMs: number,
  ) {
    const answer = hostCall("http-request", { method, url, headersJson, timeoutMs }, body ?? undefined);
    const { meta } = answer;
    if (meta.ok !== true)
      return { tag: "err", val: { kind: String(meta.kind), message: String(meta.message) } };
    return {
      tag: "ok",
      val: {
        status: Number(meta.status),
        headersJson: String(meta.headersJson),
        body: answer.body ?? new Uint8Array(),
      },
    };
  },
};

function makeInstance() {
  memories = [];
  const exports = instantiate(
    (name) => {
      const module = start.modules[name];
      if (!module) throw new Error(`unknown core module ${name}`);
      return module;
    },
    { "ironclaw:plugin/host": host, "ironclaw:plugin/tool-types": {} },
    (module, imports) => {
      const meter = { stop: start.stopFlag };
      const instance = new WebAssembly.Instance(module, { ...imports, "ironclaw:meter": meter });
      for (const value of Object.values(instance.exports)) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
      return instance;
    },
  );
  return { exports, memories };
}

function memoryExhausted(used: WebAssembly.Memory[]): boolean {
  const cap = start.limits.memoryMiB * 1024 * 1024;
  return used.some((memory) => memory.buffer.byteLength + 2 * 1024 * 1024 >= cap);
}

function failureMessage(reason: FailureReason, error: unknown): string {
  switch (reason) {
    case "timeout":
      return `the tool ran out of time after ${Math.round(call.deadline - call.startedAt)} ms`;
    case "cancelled":
      return "the call was cancelled";
    case "memory":
      return `the tool ran out of memory (its cap is ${start.limits.memoryMiB} MiB)`;
    default: {
      const detail = (error instanceof Error ? error.message : String(error)).replace(
        / \(evaluating .*\)$/,
        "",
      );
      const hint = /unreachable/i.test(detail)
        ? " (an uncaught exception or a result of the wrong type)"
        : "";
      return `the tool crashed: ${detail}${hint}`.slice(0, 500);
    }
  }
}

function textOutcome(kind: "ok" | "error", value: unknown): CallOutcome {
  if (typeof value !== "string") {
    return {
      kind: "failed",
      reason: "invalid",
      message: `the tool returned ${typeof value} instead of a string`,
    };
  }
  if (value.length > start.limits.resultChars) {
    return {
      kind: "failed",
      reason: "too-large",
      message: `the tool returned ${value.length} characters, above the cap of ${start.limits.resultChars}`,
    };
  }
  return { kind, content: value };
}

/** Runs one export on a fresh instance and turns whatever happens into an outcome. */
function run(callId: number, timeoutMs: number, invoke: (exports: GuestExports) => unknown): CallOutcome {
  let instance = ready;
  ready = undefined;
  Object.assign(call, { id: callId, stop: undefined, logLines: 0, startedAt: performance.now() });
  call.deadline = call.startedAt + timeoutMs;
  try {
    instance ??= makeInstance();
    // The host's deadline starts now, not when it posted the call (this Worker may have been busy
    // making the next instance).
    if (callId > 0) post({ type: "call-started", callId });
    return textOutcome("ok", invoke(instance.exports));
  } catch (error) {
    const reason =
      call.stop ??
      readStop(start.stopFlag) ??
      (memoryExhausted(instance?.memories ?? memories) ? "memory" : undefined);
    if (reason) return { kind: "failed", reason, message: failureMessage(reason, error) };
    const payload = (error as { payload?: { message?: unknown } }).payload;
    if (payload && typeof payload === "object") return textOutcome("error", payload.message);
    return { kind: "failed", reason: "trap", message: failureMessage("trap", error) };
  } finally {
    call.deadline = Number.POSITIVE_INFINITY;
  }
}

function prepareNext(): void {
  try {
    ready = makeInstance();
  } catch {
    ready = undefined; // the next call instantiates (and reports) itself
  }
}

self.onmessage = async (event: MessageEvent) => {
  const message = event.data;
  if (message.type === "start") {
    start = message;
    try {
      const url = `data:text/javascript;base64,${Buffer.from(message.glue).toString("base64")}`;
      ({ instantiate } = (await import(url)) as { instantiate: Instantiate });
      const timeout = message.limits.describeTimeoutMs;
      const description = run(-1, timeout, (exports) => exports.description());
      const schema = run(-1, timeout, (exports) => exports.schema());
      post({ type: "ready", description, schema });
      prepareNext();
    } catch (error) {
      post({ type: "start-failed", message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  if (message.type === "call") {
    const outcome = run(message.callId, message.timeoutMs, (exports) =>
      exports.execute(message.params, message.context),
    );
    post({ type: "result", callId: message.callId, outcome });
    prepareNext();
  }
};
