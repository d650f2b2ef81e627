/**
 * The stop flag of a sandbox: one page of shared wasm memory that every metered loop header of
 * the guest reads (meter-loops.ts). Only the host's main thread writes it: `timeout` when a
 * call's deadline passes, `cancelled` when the turn is cancelled, back to zero before it sends
 * the next call. The guest then traps at its next loop header and the Worker reports why.
 */

const reasons = ["timeout", "cancelled"] as const;
export type StopReason = (typeof reasons)[number];

export function createStopFlag(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
}

function cell(flag: WebAssembly.Memory): Int32Array {
  return new Int32Array(flag.buffer, 0, 1);
}

export function raiseStop(flag: WebAssembly.Memory, reason: StopReason): void {
  Atomics.store(cell(flag), 0, reasons.indexOf(reason) + 1);
}

export function clearStop(flag: WebAssembly.Memory): void {
  Atomics.store(cell(flag), 0, 0);
}

export function readStop(flag: WebAssembly.Memory): StopReason | undefined {
  return reasons[Atomics.load(cell(flag), 0) - 1];
}
