/**
 * The messages between the host and a sandbox Worker (one Worker per tool). The Worker holds
 * no authority of its own: every capability is a `host-call` the main thread checks against the
 * manifest, and the Worker's only job is to run fresh guest instances and report what happened.
 */

export interface StartMessage {
  readonly type: "start";
  /** The jco glue, verified against the cache index before it was sent. */
  readonly glue: string;
  /** Compiled core modules by file name (shared by every Worker of the process). */
  readonly modules: Record<string, WebAssembly.Module>;
  readonly channel: SharedArrayBuffer;
  /** The shared memory the metered loops read (stop-flag.ts); written by the host only. */
  readonly stopFlag: WebAssembly.Memory;
  readonly limits: WorkerLimits;
}

export interface WorkerLimits {
  /** Deadline of `description()` + `schema()` at start. */
  readonly describeTimeoutMs: number;
  /** The manifest's memory cap (the core modules are capped; this names it in messages). */
  readonly memoryMiB: number;
  /** Largest result string handed back (checked in the Worker, before it crosses). */
  readonly resultChars: number;
  readonly logLinesPerCall: number;
  readonly logLineChars: number;
}

export interface CallMessage {
  readonly type: "call";
  readonly callId: number;
  readonly params: string;
  readonly context: string;
  readonly timeoutMs: number;
}

export type HostToWorker = StartMessage | CallMessage;

export type FailureReason = "timeout" | "memory" | "trap" | "too-large" | "invalid" | "cancelled";

export type CallOutcome =
  | { readonly kind: "ok"; readonly content: string }
  | { readonly kind: "error"; readonly content: string }
  | { readonly kind: "failed"; readonly reason: FailureReason; readonly message: string };

export type HostCallName = "workspace-read" | "secret-exists" | "http-request";

export type WorkerToHost =
  | { readonly type: "ready"; readonly description: CallOutcome; readonly schema: CallOutcome }
  | { readonly type: "start-failed"; readonly message: string }
  | { readonly type: "call-started"; readonly callId: number }
  | { readonly type: "result"; readonly callId: number; readonly outcome: CallOutcome }
  | {
      readonly type: "host-call";
      readonly seq: number;
      readonly callId: number;
      readonly name: HostCallName;
      readonly args: Record<string, unknown>;
      readonly body?: Uint8Array;
    }
  | { readonly type: "log"; readonly level: "debug" | "info" | "warn" | "error"; readonly message: string };
