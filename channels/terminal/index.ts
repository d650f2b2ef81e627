/**
 * The terminal channel: chat with the assistant from the shell that started it, with no platform
 * account or token. Every line typed is one inbound message from the owner in the single chat
 * "local"; replies stream in place (see terminal-writer.ts). Approvals take a single key
 * (approvals.ts); `/approve <id>`, `/always <id>` and `/deny <id>` typed as lines work too.
 * Log lines must not land in the middle of this conversation: while the terminal chat is on, the
 * app sends them to a file (src/log-sink.ts).
 */
import { createInterface, type Interface } from "node:readline";
import type {
  ApprovalOutcome,
  ApprovalPrompt,
  Channel,
  ChannelHealth,
  ChannelHost,
  ChatTarget,
  InboundMessage,
  MessageRef,
  OutboundMessage,
} from "../../src/plugin/channel.ts";
import { type ApprovalDesk, approvalText, createApprovalDesk } from "./approvals.ts";
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
  const interrupt = options.onInterrupt ?? (() => process.kill(process.pid, "SIGINT"));
  let readline: Interface | null = null;
  let writer: TerminalWriter | null = null;
  let desk: ApprovalDesk | null = null;
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
    if (open && (prompt !== "" || desk?.question() !== undefined)) writer?.showPrompt();
  }

  /** Output arrived: the prompt comes back once the assistant has been quiet for a moment. */
  function scheduleIdlePrompt(): void {
    cancelIdlePrompt();
    promptTimer = setTimeout(showPrompt, idlePromptDelayMs);
    promptTimer.unref?.();
  }

  /** The approval question stands in for the prompt while an approval waits for its key. */
  function drawPrompt(): void {
    const question = desk?.question();
    if (question === undefined) readline?.prompt(true);
    else output.write(question);
  }

  function outputWriter(): TerminalWriter {
    writer ??= createTerminalWriter({ output, isTty, drawPrompt });
    return writer;
  }

  async function start(host: ChannelHost): Promise<void> {
    if (readline !== null) return;
    const startedAt = (options.now ?? Date.now)();
    const lines = createInterface({ input, output, terminal: isTty, prompt });
    readline = lines;
    open = true;
    const screen = outputWriter();
    desk = createApprovalDesk({
      input,
      isTty,
      writer: outputWriter,
      decide: (approvalId, decision) =>
        host.onAction({
          channel: "terminal",
          chatId: terminalChatId,
          senderId: terminalSenderId,
          approvalId,
          decision,
        }),
      onInterrupt: interrupt,
      afterOutput: scheduleIdlePrompt,
    });
    const approvals = desk;
    lines.on("line", (line) => {
      screen.noteInputLine();
      const text = line.trim();
      if (approvals.answerLine(text)) return;
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
    if (isTty) lines.on("SIGINT", interrupt);
    showPrompt();
  }

  async function stop(): Promise<void> {
    stopping = true;
    cancelIdlePrompt();
    desk?.close();
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

  async function askApproval(to: ChatTarget, approval: ApprovalPrompt): Promise<MessageRef> {
    outboundCount += 1;
    const ref = { chatId: to.chatId, messageId: `out-${outboundCount}` };
    cancelIdlePrompt();
    if (desk) desk.ask(ref, approval);
    else outputWriter().print(ref.messageId, approvalText(approval));
    return ref;
  }

  async function settleApproval(
    ref: MessageRef,
    outcome: ApprovalOutcome,
    approval: ApprovalPrompt,
  ): Promise<void> {
    cancelIdlePrompt();
    desk?.settle(ref, outcome, approval);
  }

  function health(): ChannelHealth {
    if (open) return { ok: true };
    return { ok: false, detail: readline === null ? "not started" : "input closed" };
  }

  return { id: "terminal", start, stop, send, edit, askApproval, settleApproval, health };
}
