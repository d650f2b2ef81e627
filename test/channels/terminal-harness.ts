/**
 * Drives the terminal channel through in-memory streams: a host that records what the channel
 * hands it, and a "screen" that collects what it printed. With `tty`, both streams pose as a
 * terminal (isTTY, setRawMode), so readline runs in terminal mode and single keys arrive as
 * keypresses, as on a real TTY.
 */
import { PassThrough } from "node:stream";
import { createTerminalChannel, type TerminalChannelOptions } from "../../channels/terminal/index.ts";
import { silentLogger } from "../../src/log.ts";
import type { ActionResult, ApprovalAction, ChannelHost, InboundMessage } from "../../src/plugin/channel.ts";

/** A host that records messages and actions and lets a test await the n-th message. */
export function createRecordingHost(
  handle: (message: InboundMessage) => Promise<void> = async () => {},
  answer: (action: ApprovalAction) => Promise<ActionResult> = async () => ({ ok: true, notice: "ok" }),
) {
  const received: InboundMessage[] = [];
  const actions: ApprovalAction[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const host: ChannelHost = {
    log: silentLogger,
    async onMessage(message) {
      received.push(message);
      for (const waiter of waiters.filter((candidate) => received.length >= candidate.count))
        waiter.resolve();
      await handle(message);
    },
    async onAction(action) {
      actions.push(action);
      return answer(action);
    },
  };
  const waitForMessages = (count: number) =>
    new Promise<void>((resolve) => {
      if (received.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  return { host, received, actions, waitForMessages };
}

export function createHarness(options: Partial<TerminalChannelOptions> = {}, terminal = { tty: false }) {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; isRaw?: boolean; setRawMode?: unknown };
  const output = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (terminal.tty) {
    input.isTTY = true;
    input.isRaw = false;
    input.setRawMode = (mode: boolean) => {
      input.isRaw = mode;
      return input;
    };
    output.isTTY = true;
    output.columns = 80;
  }
  output.setEncoding("utf8");
  let captured = "";
  // Paused-mode reads are synchronous: whatever the channel wrote so far is in the buffer.
  const screen = (): string => {
    for (let chunk = output.read(); chunk !== null; chunk = output.read()) captured += chunk;
    return captured;
  };
  const channel = createTerminalChannel({
    input,
    output,
    now: () => 1700000000000,
    idlePromptDelayMs: 60_000,
    ...options,
  });
  return { input, output, channel, screen };
}

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
