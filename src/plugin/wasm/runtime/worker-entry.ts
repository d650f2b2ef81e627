/**
 * The sandbox Worker of one WASM plugin (started with an empty environment): a tool has one, a
 * channel two (callbacks, and polling on its own lane). It instantiates the component from the
 * compiled core modules it was given, a fresh instance for every call (made ahead of time, right
 * after the previous call, so a warm call does not wait), calls the export the host names, and
 * gives the guest nothing but the WIT's host functions: the import object below is the guest's
 * whole world. Capabilities that need the host (HTTP, workspace, secrets, a channel's emits and
 * store) are synchronous host calls over the SharedArrayBuffer (sync-channel.ts); the main
 * thread checks them against the manifest.
 *
 * Deadlines: metered loops trap once the host raises the stop flag (stop-flag.ts); a host call
 * waits only until the deadline. An instance that threw, trapped or timed out is dropped, never
 * reused.
 */
import type {
  CallMessage,
  CallOutcome,
  FailureReason,
  HostCallName,
  StartMessage,
  WorkerToHost,
} from "./protocol.ts";
import { readStop } from "./stop-flag.ts";
import { waitForAnswer } from "./sync-channel.ts";
import { createChannelHostImports } from "./worker-channel-imports.ts";
import { failureMessage, textOutcome, valueOutcome } from "./worker-outcome.ts";

declare const self: Worker;

const post = (message: WorkerToHost) => self.postMessage(message);

/** What jco's `instantiate` returns: the world's exports by camelCase name. */
type GuestExports = Record<string, unknown>;
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

const channelHost = createChannelHostImports((name, args) => hostCall(name, args), 1024 * 1024);

function describeCall(name: string): CallMessage {
  return { type: "call", callId: -1, export: name, args: [], result: "text", timeoutMs: 0 };
}

function makeInstance() {
  memories = [];
  const exports = instantiate(
    (name) => {
      const module = start.modules[name];
      if (!module) throw new Error(`unknown core module ${name}`);
      return module;
    },
    {
      "ironclaw:plugin/host": host,
      "ironclaw:plugin/tool-types": {},
      "ironclaw:plugin/channel-host": channelHost,
      "ironclaw:plugin/channel-types": {},
    },
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

/** Runs one export on a fresh instance and turns whatever happens into an outcome. */
function run(
  callId: number,
  timeoutMs: number,
  invoke: (exports: GuestExports) => unknown,
  result: CallMessage["result"] = "text",
): CallOutcome<unknown> {
  let instance = ready;
  ready = undefined;
  Object.assign(call, { id: callId, stop: undefined, logLines: 0, startedAt: performance.now() });
  call.deadline = call.startedAt + timeoutMs;
  try {
    instance ??= makeInstance();
    // The host's deadline starts now, not when it posted the call (this Worker may have been busy
    // making the next instance).
    if (callId > 0) post({ type: "call-started", callId });
    return outcomeOf("ok", invoke(instance.exports), result);
  } catch (error) {
    const reason =
      call.stop ??
      readStop(start.stopFlag) ??
      (memoryExhausted(instance?.memories ?? memories) ? "memory" : undefined);
    const context = { limits: start.limits, allowedMs: call.deadline - call.startedAt };
    if (reason) return { kind: "failed", reason, message: failureMessage(reason, error, context) };
    const payload = (error as { payload?: { message?: unknown } }).payload;
    if (payload && typeof payload === "object") {
      return result === "text"
        ? textOutcome("error", payload.message, start.limits)
        : outcomeOf("error", payload, result);
    }
    return { kind: "failed", reason: "trap", message: failureMessage("trap", error, context) };
  } finally {
    call.deadline = Number.POSITIVE_INFINITY;
  }
}

function outcomeOf(
  kind: "ok" | "error",
  value: unknown,
  result: CallMessage["result"],
): CallOutcome<unknown> {
  return result === "text" ? textOutcome(kind, value, start.limits) : valueOutcome(kind, value, start.limits);
}

function callExport(message: CallMessage): (exports: GuestExports) => unknown {
  return (exports) => {
    const target = exports[message.export];
    if (typeof target !== "function") throw new Error(`the component does not export ${message.export}`);
    return (target as (...args: unknown[]) => unknown).apply(exports, [...message.args]);
  };
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
      if (message.world === "channel") {
        // A channel describes itself in on-start, a normal call with host calls.
        const none: CallOutcome = { kind: "ok", content: "" };
        post({ type: "ready", description: none, schema: none });
      } else {
        const timeout = message.limits.describeTimeoutMs;
        const describe = (name: string) => run(-1, timeout, callExport(describeCall(name))) as CallOutcome;
        post({ type: "ready", description: describe("description"), schema: describe("schema") });
      }
      prepareNext();
    } catch (error) {
      post({ type: "start-failed", message: error instanceof Error ? error.message : String(error) });
    }
    return;
  }
  if (message.type === "call") {
    const request = message as CallMessage;
    const outcome = run(request.callId, request.timeoutMs, callExport(request), request.result);
    post({ type: "result", callId: request.callId, outcome });
    prepareNext();
  }
};
