/**
 * The owner's own messages are scanned too: an owner who pastes an API key into the chat would
 * otherwise send it to the LLM provider and into every later request of the thread. A message
 * with a credential (`block` or `redact` finding) is stored with the key replaced — the row stays
 * for the audit trail — and refused as `secret`, whose notice tells the owner to use
 * `ironclaw secrets set` (src/core/refusals.ts). `warn` findings (a JWT in a question) pass.
 */
import type { InboundOptions } from "../core/inbound.ts";
import { eventsOf, type SafetyAudit } from "./audit.ts";
import type { LeakDetector } from "./leak-detector.ts";

export interface InboundScreenOptions {
  detector: LeakDetector;
  audit: SafetyAudit;
}

export function createInboundScreen(
  options: InboundScreenOptions,
): NonNullable<InboundOptions["screenInbound"]> {
  return async function screenInbound(text, channel) {
    const scan = options.detector.scan(text);
    if (scan.findings.length > 0) await options.audit(eventsOf("inbound_message", scan.findings, channel));
    const containsSecret = scan.action === "block" || scan.action === "redact";
    return { text: containsSecret ? scan.redacted : text, containsSecret };
  };
}
