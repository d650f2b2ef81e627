/**
 * The host side of one plugin sandbox: its Worker (empty environment), the call queue (one call
 * at a time per sandbox, the Worker being single-threaded), host calls answered through the
 * SharedArrayBuffer, the deadline (this thread raises the stop flag the guest's metered loops
 * read, stop-flag.ts), and recovery. The guest stops itself at the flag (metered loops); if
 * the Worker still does not answer — blocked somewhere the metering cannot see — the host
 * terminates it after a grace period and starts a fresh one, so the tool keeps working.
 */
import type { Logger } from "../../../log.ts";
import type {
  CallMessage,
  CallOutcome,
  HostCallName,
  PluginWorld,
  StartMessage,
  WorkerLimits,
  WorkerToHost,
} from "./protocol.ts";
import { clearStop, createStopFlag, raiseStop, type StopReason } from "./stop-flag.ts";
import { type ChannelAnswer, cancelCall, createSyncChannel, writeAnswer } from "./sync-channel.ts";

/** Answers one host call of the running call (manifest checks live in host-calls.ts). */
export type HostCallHandler = (
  name: HostCallName,
  args: Record<string, unknown>,
  body: Uint8Array | undefined,
) => Promise<ChannelAnswer>;

export interface SandboxOptions {
  readonly name: string;
  readonly glue: string;
  readonly modules: Record<string, WebAssembly.Module>;
  readonly limits: WorkerLimits;
  /** Size of the host-call answer area (the largest HTTP body plus headers). */
  readonly channelBytes: number;
  /** Extra time after a call's deadline before the Worker is considered stuck. */
  readonly graceMs: number;
  /** Log of the plugin's own `log()` lines (already carries the plugin's name). */
  readonly log: Logger;
  /** Default "tool": the Worker answers `description()` + `schema()` at start. */
  readonly world?: PluginWorld;
}

export interface CallRequest {
  readonly params: string;
  readonly context: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly hostCalls: HostCallHandler;
}

/** One call of any export (a channel's callbacks); the outcome carries the WIT value as lifted by jco. */
export interface InvokeRequest {
  /** camelCase, as jco names it: `onPoll`, `onRespond`, … */
  readonly export: string;
  readonly args: readonly unknown[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly hostCalls: HostCallHandler;
}

export interface Sandbox {
  /** Starts the Worker and returns what `description()` and `schema()` answered (empty for channels). */
  start(): Promise<{ description: CallOutcome; schema: CallOutcome }>;
  /** A tool's `execute`: the result must be a string. */
  call(request: CallRequest): Promise<CallOutcome>;
  invoke(request: InvokeRequest): Promise<CallOutcome<unknown>>;
  close(): Promise<void>;
  /** Workers started so far (a restart after a stuck call adds one); for tests. */
  readonly restarts: number;
}

/** How long a call may wait for the Worker to start it (it may be making the next instance). */
const queueSlackMs = 5_000;
const workerUrl = new URL("./worker-entry.ts", import.meta.url).href;

export function createSandbox(options: SandboxOptions): Sandbox {
  const subject = options.limits.subject ?? "tool";
  let worker: Worker | undefined;
  let channel: SharedArrayBuffer;
  let stopFlag: WebAssembly.Memory;
  let started: Promise<{ description: CallOutcome; schema: CallOutcome }> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let nextCallId = 1;
  let restarts = 0;
  let closed = false;
  let current: { callId: number; hostCalls: HostCallHandler; latestSeq: number } | undefined;
  let settleCall: ((outcome: CallOutcome<unknown>) => void) | undefined;
  let onCallStarted: ((callId: number) => void) | undefined;
  let settleStart: ((message: WorkerToHost) => void) | undefined;

  function answerHostCall(message: Extract<WorkerToHost, { type: "host-call" }>): void {
    const call = current;
    if (!call || call.callId !== message.callId) {
      writeAnswer(channel, message.seq, {
        meta: { ok: false, kind: "network-denied", message: "no call is running" },
      });
      return;
    }
    call.latestSeq = message.seq;
    const buffer = channel;
    call
      .hostCalls(message.name, message.args, message.body)
      .catch((error): ChannelAnswer => {
        options.log.warn("wasm host call failed", { call: message.name, error });
        return {
          meta: { ok: false, kind: "network-error", message: "the host could not complete the call" },
        };
      })
      .then((answer) => {
        // A late answer to a host call the guest gave up on is dropped (the slot may be in use).
        if (buffer !== channel || current !== call || call.latestSeq !== message.seq) return;
        if (!writeAnswer(buffer, message.seq, answer)) {
          writeAnswer(buffer, message.seq, {
            meta: {
              ok: false,
              kind: "too-large",
              message: `the answer does not fit the ${subject}'s limits`,
            },
          });
        }
      });
  }

  function onMessage(event: MessageEvent<WorkerToHost>): void {
    const message = event.data;
    if (message.type === "log") options.log[message.level](message.message);
    else if (message.type === "host-call") answerHostCall(message);
    else if (message.type === "result") settleCall?.(message.outcome);
    else if (message.type === "call-started") onCallStarted?.(message.callId);
    else settleStart?.(message);
  }

  function spawn(): Promise<{ description: CallOutcome; schema: CallOutcome }> {
    restarts += 1;
    channel = createSyncChannel(options.channelBytes);
    const flag = createStopFlag();
    stopFlag = flag;
    const next = new Worker(workerUrl, { env: {} } as WorkerOptions);
    worker = next;
    next.onmessage = onMessage;
    const { describeTimeoutMs } = options.limits;
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => raiseStop(flag, "timeout"), describeTimeoutMs);
      const backstop = setTimeout(() => {
        settleStart = undefined;
        next.terminate();
        reject(new Error(`description() and schema() did not answer within ${describeTimeoutMs} ms`));
      }, describeTimeoutMs + options.graceMs);
      settleStart = (message) => {
        settleStart = undefined;
        clearTimeout(deadline);
        clearTimeout(backstop);
        if (message.type === "ready") resolve({ description: message.description, schema: message.schema });
        else reject(new Error(message.type === "start-failed" ? message.message : "unexpected message"));
      };
      next.onerror = (event) => {
        settleStart = undefined;
        clearTimeout(deadline);
        clearTimeout(backstop);
        reject(new Error(`the sandbox worker failed: ${event.message}`));
      };
      const start: StartMessage = {
        type: "start",
        glue: options.glue,
        modules: options.modules,
        channel,
        stopFlag: flag,
        limits: options.limits,
        world: options.world ?? "tool",
      };
      next.postMessage(start);
    });
  }

  function restart(): void {
    worker?.terminate();
    worker = undefined;
    if (closed) return;
    started = spawn();
    started.catch((error) =>
      options.log.error("wasm sandbox restart failed", { [subject]: options.name, error }),
    );
  }

  type Invocation = Omit<InvokeRequest, "export" | "args"> & Pick<CallMessage, "export" | "args" | "result">;

  async function runCall(request: Invocation): Promise<CallOutcome<unknown>> {
    if (closed) return { kind: "failed", reason: "cancelled", message: `the ${subject} is no longer loaded` };
    started ??= spawn();
    try {
      await started;
    } catch (error) {
      started = undefined; // the next call tries a fresh Worker
      const reason = error instanceof Error ? error.message : String(error);
      return {
        kind: "failed",
        reason: "trap",
        message: `the ${subject}'s sandbox could not start: ${reason}`,
      };
    }
    const callId = nextCallId++;
    current = { callId, hostCalls: request.hostCalls, latestSeq: 0 };
    const buffer = channel;
    const flag = stopFlag;
    const stop = (reason: StopReason) => {
      if (current?.callId !== callId) return;
      raiseStop(flag, reason);
      cancelCall(buffer, callId);
    };
    const onAbort = () => stop("cancelled");
    request.signal.addEventListener("abort", onAbort, { once: true });
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<CallOutcome<unknown>>((resolve) => {
        settleCall = resolve;
        const backstop = () => {
          options.log.warn("wasm sandbox stuck past its deadline: restarting its worker", {
            [subject]: options.name,
          });
          restart();
          resolve({
            kind: "failed",
            reason: "timeout",
            message: `the ${subject} ran out of time after ${request.timeoutMs} ms`,
          });
        };
        // Until the Worker says the call started, allow for it finishing the next instance first.
        timer = setTimeout(backstop, request.timeoutMs + options.graceMs + queueSlackMs);
        onCallStarted = (startedId) => {
          if (startedId !== callId) return;
          clearTimeout(timer);
          deadline = setTimeout(() => stop("timeout"), request.timeoutMs);
          timer = setTimeout(backstop, request.timeoutMs + options.graceMs);
        };
        const message: CallMessage = {
          type: "call",
          callId,
          export: request.export,
          args: request.args,
          result: request.result,
          timeoutMs: request.timeoutMs,
        };
        clearStop(flag); // only this thread writes the flag, and no call is running now
        worker?.postMessage(message);
      });
    } finally {
      clearTimeout(deadline);
      clearTimeout(timer);
      settleCall = undefined;
      onCallStarted = undefined;
      current = undefined;
      request.signal.removeEventListener("abort", onAbort);
    }
  }

  function enqueue(request: Invocation): Promise<CallOutcome<unknown>> {
    const result = queue.then(() => runCall(request));
    queue = result.catch(() => {});
    return result;
  }

  return {
    get restarts() {
      return restarts;
    },
    start() {
      started ??= spawn();
      return started;
    },
    call(request) {
      const { params, context, ...rest } = request;
      return enqueue({
        ...rest,
        export: "execute",
        args: [params, context],
        result: "text",
      }) as Promise<CallOutcome>;
    },
    invoke(request) {
      return enqueue({ ...request, result: "value" });
    },
    async close() {
      closed = true;
      worker?.terminate();
      worker = undefined;
      settleCall?.({
        kind: "failed",
        reason: "cancelled",
        message: `the ${subject} was unloaded during the call`,
      });
    },
  };
}
