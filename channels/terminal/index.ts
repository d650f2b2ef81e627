/**
 * The terminal channel: chat with the assistant from the shell that started it, with no platform
 * account or token. Every line typed is one inbound message from the owner in the single chat
 * "local"; replies stream in place (see terminal-writer.ts). There are no buttons here, so the
 * host's text fallback applies: approvals are answered by typing `/approve <id>`, `/always <id>`
 * or `/deny <id>`, which arrive as ordinary lines.
 */
import { createInterface, type Interface } from "node:readline";
import type {
  Channel,
  ChannelHealth,
  ChannelHost,
  ChatTarget,
  InboundMessage,
  MessageRef,
  OutboundMessage,
} from "../../src/plugin/channel.ts";
import { createTerminalWriter, type TerminalWriter } from "./terminal-writer.ts";

export interface TerminalChannelOptions {
  /** Where the owner types; default process.stdin. */
  input?: NodeJS.ReadableStream;
  /** Where replies appear; default process.stdout. */
  output?: NodeJS.WritableStream;
  /** Shown when the assistant is idle; default "you> ". An empty string shows none. */
  prompt?: string;
  /** Quiet time after the last output before the prompt reappears; default 400 ms. */
  idlePromptDelayMs?: number;
  /** Called when the input ends (Ctrl-D) rather than by `stop()`, so the CLI can shut down. */
  onClose?: () => void;
  /** Ctrl-C in a terminal; default re-raises SIGINT so the host's graceful shutdown runs. */
  onInterrupt?: () => void;
  /** Clock for message ids; default Date.now. */
  now?: () => number;
}

export const terminalChatId = "local";
export const terminalSenderId = "owner";

export function createTerminalChannel(options: TerminalChannelOptions = {}): Channel {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const prompt = options.prompt ?? "you> ";
  const idlePromptDelayMs = options.idlePromptDelayMs ?? 400;
  const isTty = Boolean((input as { isTTY?: boolean }).isTTY && (output as { isTTY?: boolean }).isTTY);
  let readline: Interface | null = null;
  let writer: TerminalWriter | null = null;
  let open = false;
  let stopping = false;
  let inboundCount = 0;
  let outboundCount = 0;
  let pending: Promise<void> = Promise.resolve();
  let promptTimer: ReturnType<typeof setTimeout> | null = null;

  function cancelIdlePrompt(): void {
    if (promptTimer !== null) clearTimeout(promptTimer);
    promptTimer = null;
  }

  function showPrompt(): void {
    cancelIdlePrompt();
    if (open && prompt !== "") writer?.showPrompt();
  }

  /** Output arrived: the prompt comes back once the assistant has been quiet for a moment. */
  function scheduleIdlePrompt(): void {
    cancelIdlePrompt();
    promptTimer = setTimeout(showPrompt, idlePromptDelayMs);
    promptTimer.unref?.();
  }

  function outputWriter(): TerminalWriter {
    writer ??= createTerminalWriter({ output, isTty, drawPrompt: () => readline?.prompt(true) });
    return writer;
  }

  async function start(host: ChannelHost): Promise<void> {
    if (readline !== null) return;
    const startedAt = (options.now ?? Date.now)();
    const lines = createInterface({ input, output, terminal: isTty, prompt });
    readline = lines;
    open = true;
    const screen = outputWriter();
    lines.on("line", (line) => {
      screen.noteInputLine();
      const text = line.trim();
      if (text === "") {
        showPrompt();
        return;
      }
      inboundCount += 1;
      const message: InboundMessage = {
        channel: "terminal",
        chatId: terminalChatId,
        senderId: terminalSenderId,
        messageId: `${startedAt}-${inboundCount}`,
        text,
        isDirect: true,
      };
      // Chained so messages reach the host in the order they were typed.
      pending = pending
        .then(() => host.onMessage(message))
        .catch((error: unknown) => {
          host.log.error("terminal message failed", { messageId: message.messageId, error });
          const reason = error instanceof Error ? error.message : String(error);
          screen.print(`error-${message.messageId}`, `[error] that message was not handled: ${reason}`);
          scheduleIdlePrompt();
        });
    });
    lines.on("close", () => {
      open = false;
      cancelIdlePrompt();
      if (!stopping) options.onClose?.();
    });
    if (isTty) lines.on("SIGINT", options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT")));
    showPrompt();
  }

  async function stop(): Promise<void> {
    stopping = true;
    cancelIdlePrompt();
    readline?.close();
    await pending;
    writer?.finish();
  }

  async function send(to: ChatTarget, message: OutboundMessage): Promise<MessageRef> {
    outboundCount += 1;
    const ref = { chatId: to.chatId, messageId: `out-${outboundCount}` };
    outputWriter().print(ref.messageId, message.text);
    scheduleIdlePrompt();
    return ref;
  }

  async function edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    outputWriter().update(ref.messageId, message.text);
    scheduleIdlePrompt();
  }

  function health(): ChannelHealth {
    if (open) return { ok: true };
    return { ok: false, detail: readline === null ? "not started" : "input closed" };
  }

  return { id: "terminal", start, stop, send, edit, health };
}
