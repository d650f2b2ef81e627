/**
 * An in-memory chat channel implementing the real Channel contract, for host-level tests: it
 * records everything sent, edited and asked, and lets a test deliver messages and button presses
 * the way a platform adapter would.
 */
import type {
  ActionResult,
  ApprovalDecision,
  ApprovalOutcome,
  ApprovalPrompt,
  Channel,
  ChannelHost,
  ChatTarget,
  MessageRef,
  OutboundMessage,
} from "../../src/plugin/channel.ts";

export interface SentMessage {
  chatId: string;
  messageId: string;
  text: string;
  edits: string[];
  prompt?: ApprovalPrompt;
  outcome?: ApprovalOutcome;
}

export class MemoryChannel implements Channel {
  readonly sent: SentMessage[] = [];
  host: ChannelHost | undefined;
  /** While set, every send fails with it, as a platform rejecting the bot would. */
  failSendsWith: Error | undefined;
  /** Sends refused because of `failSendsWith`. */
  failedSends = 0;
  #nextId = 1;
  #nextInbound = 1;
  #waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  constructor(
    readonly id = "memory",
    readonly withButtons = true,
  ) {
    if (!withButtons) {
      this.askApproval = undefined;
      this.settleApproval = undefined;
    }
  }

  async start(host: ChannelHost): Promise<void> {
    this.host = host;
  }
  async stop(): Promise<void> {
    this.host = undefined;
  }

  async send(to: ChatTarget, message: OutboundMessage): Promise<MessageRef> {
    if (this.failSendsWith) {
      this.failedSends++;
      throw this.failSendsWith;
    }
    const messageId = String(this.#nextId++);
    this.sent.push({ chatId: to.chatId, messageId, text: message.text, edits: [] });
    this.#notify();
    return { chatId: to.chatId, messageId };
  }

  async edit(ref: MessageRef, message: OutboundMessage): Promise<void> {
    const target = this.sent.find((entry) => entry.messageId === ref.messageId);
    if (!target) throw new Error(`edit of unknown message ${ref.messageId}`);
    target.edits.push(message.text);
    target.text = message.text;
    this.#notify();
  }

  askApproval?: (to: ChatTarget, prompt: ApprovalPrompt) => Promise<MessageRef> = async (to, prompt) => {
    const ref = await this.send(to, { text: `Approve ${prompt.tool}? ${prompt.summary}` });
    const entry = this.sent.find((item) => item.messageId === ref.messageId);
    if (entry) entry.prompt = prompt;
    this.#notify();
    return ref;
  };

  settleApproval?: (ref: MessageRef, outcome: ApprovalOutcome) => Promise<void> = async (ref, outcome) => {
    const entry = this.sent.find((item) => item.messageId === ref.messageId);
    if (entry) entry.outcome = outcome;
    this.#notify();
  };

  /** Delivers a message as the platform would; resolves when the host has stored it. */
  async deliver(
    text: string,
    options: { senderId?: string; chatId?: string; messageId?: string; kind?: "text" | "unsupported" } = {},
  ) {
    if (!this.host) throw new Error("channel not started");
    await this.host.onMessage({
      channel: this.id,
      chatId: options.chatId ?? "chat-1",
      senderId: options.senderId ?? "owner-1",
      messageId: options.messageId ?? `in-${this.#nextInbound++}`,
      text,
      kind: options.kind,
      isDirect: true,
    });
  }

  async press(approvalId: string, decision: ApprovalDecision, senderId = "owner-1"): Promise<ActionResult> {
    if (!this.host) throw new Error("channel not started");
    return this.host.onAction({ channel: this.id, chatId: "chat-1", senderId, approvalId, decision });
  }

  texts(): string[] {
    return this.sent.map((entry) => entry.text);
  }

  /** Resolves once `predicate` holds (checked after every send/edit), or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; sent so far: ${JSON.stringify(this.texts())}`)),
        timeoutMs,
      );
      this.#waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  #notify(): void {
    for (const waiter of this.#waiters.slice()) {
      if (waiter.predicate()) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
