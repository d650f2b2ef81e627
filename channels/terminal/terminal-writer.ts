/**
 * Everything the terminal channel prints goes through here, because streaming and the prompt
 * share one cursor. A streamed reply arrives as a `send` followed by `edit`s that each carry the
 * whole text so far; printing only the new suffix makes it appear word by word instead of being
 * reprinted in full each time. That only works while the reply is the last thing on screen, so
 * this tracks what was printed last and whether the cursor sits mid-line or after the prompt.
 */
import { clearLine, cursorTo } from "node:readline";

/** How many sent messages keep their printed text for later edits (older ones reprint in full). */
const rememberedMessages = 100;

export interface TerminalWriterOptions {
  output: NodeJS.WritableStream;
  /** Terminal mode: the prompt line can be cleared in place and typed lines are echoed. */
  isTty: boolean;
  /** Draws the prompt (readline knows the half-typed input to redraw after it). */
  drawPrompt: () => void;
}

export interface TerminalWriter {
  /** Prints a new message on a fresh line. */
  print(messageId: string, text: string): void;
  /** Prints the new suffix when `text` extends what is on screen for `messageId`, else the whole text. */
  update(messageId: string, text: string): void;
  showPrompt(): void;
  /** The owner pressed Enter: the prompt line is finished. */
  noteInputLine(): void;
  /** A single-key answer in raw mode (nothing echoed it): shows the key and ends the prompt line. */
  answerPrompt(key: string): void;
  /** Ends the current line so the shell prompt starts on its own line. */
  finish(): void;
}

export function createTerminalWriter(options: TerminalWriterOptions): TerminalWriter {
  const { output, isTty } = options;
  const printed = new Map<string, string>();
  let lastMessageId: string | null = null;
  let lineOpen = false;
  let promptVisible = false;

  function write(text: string): void {
    if (text === "") return;
    output.write(text);
    lineOpen = !text.endsWith("\n");
  }

  function startFreshLine(): void {
    if (promptVisible && isTty) {
      clearLine(output, 0);
      cursorTo(output, 0);
      lineOpen = false;
    } else if (lineOpen) {
      write("\n");
    }
    promptVisible = false;
    lastMessageId = null;
  }

  function remember(messageId: string, text: string): void {
    printed.delete(messageId);
    printed.set(messageId, text);
    if (printed.size > rememberedMessages) {
      const oldest = printed.keys().next().value;
      if (oldest !== undefined) printed.delete(oldest);
    }
    lastMessageId = messageId;
  }

  function print(messageId: string, text: string): void {
    startFreshLine();
    write(text);
    remember(messageId, text);
  }

  function update(messageId: string, text: string): void {
    const previous = printed.get(messageId);
    if (previous === text) return;
    const continues = previous !== undefined && lastMessageId === messageId && !promptVisible;
    if (continues && text.startsWith(previous)) {
      write(text.slice(previous.length));
      remember(messageId, text);
    } else {
      print(messageId, text);
    }
  }

  function showPrompt(): void {
    if (promptVisible) return;
    if (lineOpen) write("\n");
    options.drawPrompt();
    promptVisible = true;
    lineOpen = true;
    lastMessageId = null;
  }

  function noteInputLine(): void {
    promptVisible = false;
    // A terminal echoed the typed line and its newline; a pipe left the cursor after the prompt.
    if (isTty) lineOpen = false;
    lastMessageId = null;
  }

  function answerPrompt(key: string): void {
    if (promptVisible) write(`${key}\n`);
    promptVisible = false;
    lastMessageId = null;
  }

  function finish(): void {
    if (lineOpen) write("\n");
    promptVisible = false;
  }

  return { print, update, showPrompt, noteInputLine, answerPrompt, finish };
}
