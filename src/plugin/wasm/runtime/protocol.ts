/**
 * The messages between the host and a sandbox Worker (one Worker per tool, two per channel). The
 * Worker holds no authority of its own: every capability is a `host-call` the main thread checks
 * against the manifest, and the Worker's only job is to run fresh guest instances, call the
 * export the host names, and report what happened.
 */

/** The WIT world a component implements (tools/wit/plugin.wit). */
export type PluginWorld = "tool" | "channel";

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
  /** A tool Worker answers `description()` + `schema()` at start; a channel Worker calls nothing. */
  readonly world: PluginWorld;
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
  /** What failure messages call the guest ("the tool ran out of time…"). Default "tool". */
  readonly subject?: "tool" | "channel";
}

/**
 * Calls one export on a fresh instance. `text` results must be strings (a tool's `execute`, capped
 * at `resultChars`); `value` results are any WIT value (a channel's records), capped by size.
 */
export interface CallMessage {
  readonly type: "call";
  readonly callId: number;
  /** The export's name as jco exposes it (camelCase): `execute`, `onPoll`, … */
  readonly export: string;
  readonly args: readonly unknown[];
  readonly result: "text" | "value";
  readonly timeoutMs: number;
}

export type HostToWorker = StartMessage | CallMessage;

export type FailureReason = "timeout" | "memory" | "trap" | "too-large" | "invalid" | "cancelled";

/** `error` is the export's own `err` value (a tool's message, a channel's `channel-failure`). */
export type CallOutcome<Value = string> =
  | { readonly kind: "ok"; readonly content: Value }
  | { readonly kind: "error"; readonly content: Value }
  | { readonly kind: "failed"; readonly reason: FailureReason; readonly message: string };

export type HostCallName =
  | "workspace-read"
  | "secret-exists"
  | "http-request"
  | "emit-message"
  | "emit-action"
  | "state-read"
  | "state-write";

export type WorkerToHost =
  | { readonly type: "ready"; readonly description: CallOutcome; readonly schema: CallOutcome }
  | { readonly type: "start-failed"; readonly message: string }
  | { readonly type: "call-started"; readonly callId: number }
  | { readonly type: "result"; readonly callId: number; readonly outcome: CallOutcome<unknown> }
  | {
      readonly type: "host-call";
      readonly seq: number;
      readonly callId: number;
      readonly name: HostCallName;
      readonly args: Record<string, unknown>;
      readonly body?: Uint8Array;
    }
  | { readonly type: "log"; readonly level: "debug" | "info" | "warn" | "error"; readonly message: string };
