/**
 * The last scan before text reaches a chat: every message the host sends or edits on a channel
 * (answers, streamed edits, notices, approval prompts) goes through `guardChannel`, so no route —
 * the model echoing a tool's output, a notice quoting an error — can put a secret on a chat
 * platform's servers. A `block` finding (a known secret value, a private key) replaces the whole
 * message; `redact` findings are replaced in place. Findings are audited as `chat_message`.
 */
import type { ApprovalPrompt, Channel, OutboundMessage } from "../plugin/channel.ts";
import { eventsOf, type SafetyAudit } from "./audit.ts";
import type { LeakDetector } from "./leak-detector.ts";

export const withheldChatMessage = "[This message was withheld: it contained a secret.]";

export type ChatScreen = (text: string, channel: string) => Promise<string>;

export function createChatScreen(options: { detector: LeakDetector; audit: SafetyAudit }): ChatScreen {
  return async function screenChatText(text, channel) {
    const scan = options.detector.scan(text);
    if (scan.findings.length === 0) return text;
    await options.audit(eventsOf("chat_message", scan.findings, channel));
    return scan.action === "block" ? withheldChatMessage : scan.redacted;
  };
}

/** `channel` with every outgoing text screened; everything else is delegated unchanged. */
export function guardChannel(channel: Channel, screen: ChatScreen): Channel {
  const message = async (outbound: OutboundMessage): Promise<OutboundMessage> => ({
    ...outbound,
    text: await screen(outbound.text, channel.id),
  });
  const prompt = async (original: ApprovalPrompt): Promise<ApprovalPrompt> => ({
    ...original,
    summary: await screen(original.summary, channel.id),
  });
  const guarded: Channel = {
    id: channel.id,
    start: (host) => channel.start(host),
    stop: () => channel.stop(),
    send: async (to, outbound) => channel.send(to, await message(outbound)),
  };
  // Optional members are looked up on every access, not once here: a WASM channel gains `edit`
  // and `askApproval` only when its on-start says it can (src/plugin/wasm/channel/wasm-channel.ts).
  const optional = <Key extends keyof Channel>(
    key: Key,
    wrap: (inner: NonNullable<Channel[Key]>) => Channel[Key],
  ) =>
    Object.defineProperty(guarded, key, {
      enumerable: true,
      get: () => {
        const inner = channel[key];
        return inner ? wrap(inner as NonNullable<Channel[Key]>) : undefined;
      },
    });
  optional("edit", (edit) => async (ref, outbound) => edit.call(channel, ref, await message(outbound)));
  optional("askApproval", (ask) => async (to, original) => ask.call(channel, to, await prompt(original)));
  optional(
    "settleApproval",
    (settle) => async (ref, outcome, original) => settle.call(channel, ref, outcome, await prompt(original)),
  );
  optional("setTyping", (typing) => (to) => typing.call(channel, to));
  optional("health", (health) => () => health.call(channel));
  optional("handleHttp", (handle) => (request, path) => handle.call(channel, request, path));
  return guarded;
}
