/**
 * The synchronous bridge between a guest and the host: a guest's host call (HTTP, workspace,
 * secrets) must return a value to wasm, but the host's work is async and runs on the main thread.
 * So the Worker posts the request and blocks in `Atomics.wait` on a SharedArrayBuffer; the main
 * thread does the work, writes the answer into the buffer and bumps the answer sequence number.
 *
 * Layout: Int32 slots [answerSeq, answerLength, cancelledCall, spare], then the data area:
 * [u32 metaLength][meta JSON][raw body]. The Worker waits for *its* sequence number, so a late
 * answer to a call it gave up on is never read as the answer to the next one; the main thread
 * also drops answers older than the latest request (see sandbox.ts). `cancelledCall` wakes a
 * Worker waiting in a host call when the host stops the call (deadline, cancelled turn).
 */

const answerSeqSlot = 0;
const answerLengthSlot = 1;
const cancelledCallSlot = 2;
const headerBytes = 16;

export interface ChannelAnswer {
  readonly meta: Record<string, unknown>;
  readonly body?: Uint8Array;
}

export function createSyncChannel(dataBytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(headerBytes + 4 + dataBytes);
}

/** Main thread: writes the answer to request `seq`; false when it does not fit. */
export function writeAnswer(buffer: SharedArrayBuffer, seq: number, answer: ChannelAnswer): boolean {
  const meta = new TextEncoder().encode(JSON.stringify(answer.meta));
  const body = answer.body ?? new Uint8Array(0);
  const length = 4 + meta.byteLength + body.byteLength;
  if (headerBytes + length > buffer.byteLength) return false;
  const data = new Uint8Array(buffer, headerBytes, length);
  new DataView(buffer, headerBytes, 4).setUint32(0, meta.byteLength, true);
  data.set(meta, 4);
  data.set(body, 4 + meta.byteLength);
  const header = new Int32Array(buffer, 0, 4);
  Atomics.store(header, answerLengthSlot, length);
  Atomics.store(header, answerSeqSlot, seq);
  Atomics.notify(header, answerSeqSlot);
  return true;
}

/** Main thread: wakes the Worker if call `callId` is waiting in a host call (the stop flag stops loops). */
export function cancelCall(buffer: SharedArrayBuffer, callId: number): void {
  const header = new Int32Array(buffer, 0, 4);
  Atomics.store(header, cancelledCallSlot, callId);
  Atomics.notify(header, answerSeqSlot);
}

function isCancelled(buffer: SharedArrayBuffer, callId: number): boolean {
  return Atomics.load(new Int32Array(buffer, 0, 4), cancelledCallSlot) === callId;
}

/** Worker: blocks until the answer to `seq` is written, the deadline passes or the call is cancelled. */
export function waitForAnswer(
  buffer: SharedArrayBuffer,
  seq: number,
  deadline: number,
  callId: number,
): ChannelAnswer | "timeout" | "cancelled" {
  const header = new Int32Array(buffer, 0, 4);
  for (;;) {
    const seen = Atomics.load(header, answerSeqSlot);
    if (seen === seq) break;
    if (isCancelled(buffer, callId)) return "cancelled";
    const left = deadline - performance.now();
    if (left <= 0) return "timeout";
    Atomics.wait(header, answerSeqSlot, seen, left);
  }
  const length = Atomics.load(header, answerLengthSlot);
  const data = new Uint8Array(buffer, headerBytes, length).slice();
  const metaLength = new DataView(data.buffer).getUint32(0, true);
  const meta = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + metaLength))) as Record<
    string,
    unknown
  >;
  return { meta, body: data.subarray(4 + metaLength) };
}
