/**
 * The `ChannelHost` one registered channel receives. It is where identity gets bound: every
 * message and button press the channel hands in is rebuilt with the channel's *registered* id, so
 * whatever `channel` the payload claims (say `terminal`) is ignored. It is also where a channel's
 * bad input is contained: a payload that is not a message is logged with the registered id and
 * dropped, a press that is not a press is refused with a clear notice, and a failure inside the
 * host is reported to the channel as a rejected call rather than crashing the process.
 */
import type { Logger } from "../log.ts";
import type { ActionResult, ApprovalAction, ChannelHost, InboundMessage } from "./channel.ts";
import type { ChannelRegistration } from "./registry.ts";

/** Where stamped input goes: the inbound pipeline and the approvals service. */
export interface ChannelHostSink {
  onMessage(message: InboundMessage): Promise<void>;
  onAction(action: ApprovalAction): Promise<ActionResult>;
}

const decisions: ReadonlySet<string> = new Set(["approve", "always", "deny"]);

function isText(value: unknown): value is string {
  return typeof value === "string";
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The message as the host will handle it, or a reason it is not one. */
function stampMessage(id: string, payload: InboundMessage): InboundMessage | string {
  if (payload === null || typeof payload !== "object") return "the message is not an object";
  if (!isId(payload.chatId) || !isId(payload.senderId))
    return "chatId and senderId must be non-empty strings";
  if (!isText(payload.text)) return "text must be a string";
  if (payload.messageId !== undefined && !isId(payload.messageId)) return "messageId must be a string";
  return {
    channel: id,
    chatId: payload.chatId,
    senderId: payload.senderId,
    senderName: isText(payload.senderName) ? payload.senderName : undefined,
    messageId: payload.messageId,
    text: payload.text,
    kind: payload.kind === "unsupported" ? "unsupported" : "text",
    isDirect: payload.isDirect === true,
  };
}

function stampAction(id: string, payload: ApprovalAction): ApprovalAction | string {
  if (payload === null || typeof payload !== "object") return "the press is not an object";
  if (!isId(payload.chatId) || !isId(payload.senderId))
    return "chatId and senderId must be non-empty strings";
  if (!isId(payload.approvalId)) return "approvalId must be a non-empty string";
  if (!decisions.has(payload.decision)) return "decision must be approve, always or deny";
  return {
    channel: id,
    chatId: payload.chatId,
    senderId: payload.senderId,
    approvalId: payload.approvalId,
    decision: payload.decision,
  };
}

export function createChannelHost(
  registration: Pick<ChannelRegistration, "id">,
  sink: ChannelHostSink,
  log: Logger,
): ChannelHost {
  const { id } = registration;
  return {
    log,
    async onMessage(payload) {
      const message = stampMessage(id, payload);
      if (typeof message === "string") {
        log.warn("ignored a malformed message from a channel", { channel: id, reason: message });
        return;
      }
      if (payload.channel !== undefined && payload.channel !== id) {
        log.warn("a channel claimed another identity; its registered id is used", {
          channel: id,
          claimed: String(payload.channel),
        });
      }
      await sink.onMessage(message);
    },
    async onAction(payload) {
      const action = stampAction(id, payload);
      if (typeof action === "string") {
        log.warn("refused a malformed button press from a channel", { channel: id, reason: action });
        return { ok: false, notice: "That press could not be read." };
      }
      return sink.onAction(action);
    },
  };
}
