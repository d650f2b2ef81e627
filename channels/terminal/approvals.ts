/**
 * Approvals in the terminal, answered with a single key: `a` approve, `A` always, `d` deny. On a
 * TTY no Enter is needed: while a prompt is open its keys are taken from readline (which keeps
 * the terminal in raw mode for its line editing anyway) and readline gets them back afterwards,
 * a half-typed line included. From a pipe there are no keys, so a line holding just `a`, `A` or
 * `d` answers instead. Several risky calls can wait at once: they are asked one at a time, oldest
 * first, and one decided elsewhere (`/approve <id>`, the HTTP API, expiry) leaves the queue when
 * the host settles it.
 */
import type {
  ActionResult,
  ApprovalDecision,
  ApprovalOutcome,
  ApprovalPrompt,
  MessageRef,
} from "../../src/plugin/channel.ts";
import type { TerminalWriter } from "./terminal-writer.ts";

export interface ApprovalDeskOptions {
  input: NodeJS.ReadableStream;
  isTty: boolean;
  writer: () => TerminalWriter;
  /** Records the decision with the host; a throw means it was not recorded. */
  decide: (approvalId: string, decision: ApprovalDecision) => Promise<ActionResult>;
  /** Ctrl-C while the keys are taken. */
  onInterrupt: () => void;
  /** Output was printed: the channel brings its prompt back once things are quiet. */
  afterOutput: () => void;
}

export interface ApprovalDesk {
  ask(ref: MessageRef, prompt: ApprovalPrompt): void;
  settle(ref: MessageRef, outcome: ApprovalOutcome, prompt: ApprovalPrompt): void;
  /** The prompt line while an approval waits for its key, else undefined. */
  question(): string | undefined;
  /** A line read from a pipe; true when it was the answer to the open approval. */
  answerLine(line: string): boolean;
  close(): void;
}

type KeyListener = (text: string | undefined, key?: { name?: string; ctrl?: boolean }) => void;

interface Waiting {
  ref: MessageRef;
  prompt: ApprovalPrompt;
  presented: boolean;
}

const outcomeWords: Record<ApprovalOutcome, string> = {
  approved: "Approved",
  always: "Always allowed",
  denied: "Denied",
  expired: "Expired (not run)",
};
const failedNotice = "[error] the decision was not recorded; press the key again.";

export function decisionForKey(key: string, prompt: ApprovalPrompt): ApprovalDecision | undefined {
  if (key === "a") return "approve";
  if (key === "A" && prompt.allowAlways) return "always";
  if (key === "d") return "deny";
  return undefined;
}

export function approvalText(prompt: ApprovalPrompt): string {
  return `Approval needed: ${prompt.tool}\n${prompt.summary}`;
}

export function approvalQuestion(prompt: ApprovalPrompt): string {
  return prompt.allowAlways ? "Approve? [a] yes  [A] always  [d] no > " : "Approve? [a] yes  [d] no > ";
}

export function createApprovalDesk(options: ApprovalDeskOptions): ApprovalDesk {
  const { input, isTty } = options;
  const queue: Waiting[] = [];
  let readlineKeys: KeyListener[] | null = null;

  const onKey: KeyListener = (text, key) => {
    if (key?.ctrl && key.name === "c") {
      options.onInterrupt();
      return;
    }
    const head = queue[0];
    const decision = head ? decisionForKey(text ?? "", head.prompt) : undefined;
    if (head && decision) void choose(head, decision, text as string);
  };

  /** Takes the keys from readline (TTY only) while anything waits. */
  function takeKeys(): void {
    if (!isTty || readlineKeys !== null) return;
    readlineKeys = input.listeners("keypress") as KeyListener[];
    for (const listener of readlineKeys) input.off("keypress", listener);
    input.on("keypress", onKey);
  }

  function returnKeys(): void {
    if (readlineKeys === null) return;
    input.off("keypress", onKey);
    for (const listener of readlineKeys) input.on("keypress", listener);
    readlineKeys = null;
  }

  /** Shows the oldest waiting approval, or gives the keys back when none waits. */
  function next(): void {
    const head = queue[0];
    if (!head) {
      returnKeys();
      options.afterOutput();
      return;
    }
    if (head.presented) return;
    head.presented = true;
    takeKeys();
    const screen = options.writer();
    screen.print(head.ref.messageId, approvalText(head.prompt));
    screen.showPrompt();
  }

  function remove(ref: MessageRef): boolean {
    const index = queue.findIndex((waiting) => waiting.ref.messageId === ref.messageId);
    if (index >= 0) queue.splice(index, 1);
    return index >= 0;
  }

  /**
   * The key is the answer: the approval leaves the queue at once, so keys typed right after it
   * go to the next approval or back to readline. It comes back only if the host failed.
   */
  async function choose(head: Waiting, decision: ApprovalDecision, echo: string): Promise<void> {
    if (isTty) options.writer().answerPrompt(echo);
    remove(head.ref);
    next();
    let result: ActionResult;
    try {
      result = await options.decide(head.prompt.approvalId, decision);
    } catch {
      for (const waiting of queue) waiting.presented = false;
      queue.unshift({ ...head, presented: false });
      options.writer().print(`failed-${head.ref.messageId}`, failedNotice);
      next();
      return;
    }
    // Refused (expired, decided elsewhere…): nothing is left to decide; the notice says why.
    if (!result.ok) {
      options.writer().print(`notice-${head.ref.messageId}`, result.notice);
      options.afterOutput();
    }
  }

  return {
    ask(ref, prompt) {
      queue.push({ ref, prompt, presented: false });
      next();
    },
    settle(ref, outcome, prompt) {
      const wasHead = queue[0]?.ref.messageId === ref.messageId;
      remove(ref);
      options.writer().print(`settled-${ref.messageId}`, `${outcomeWords[outcome]}: ${prompt.tool}`);
      // The next approval, or the keys back to readline; else the open question again.
      if (wasHead || queue.length === 0) next();
      else if (queue[0]?.presented) options.writer().showPrompt();
      else options.afterOutput();
    },
    question() {
      const head = queue[0];
      return head?.presented ? approvalQuestion(head.prompt) : undefined;
    },
    answerLine(line) {
      const head = queue[0];
      const decision = head?.presented ? decisionForKey(line, head.prompt) : undefined;
      if (!head || !decision) return false;
      void choose(head, decision, line);
      return true;
    },
    close() {
      returnKeys();
      queue.length = 0;
    },
  };
}
