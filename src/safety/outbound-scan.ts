/**
 * The outbound scan of the `http` port: a `beforeSend` hook that runs on every hop after the
 * destination check and before the host injects credentials, so it sees the request exactly as
 * the tool (or a prompt-injected model) wrote it. A request whose URL, headers or body carry a
 * credential — a known secret value or a `block`/`redact` pattern — is refused: the model was
 * talked into exfiltrating it, and the way to use a secret is to name it and let the host inject
 * it. `warn` findings are audited and pass. Findings are audited as `http_request`.
 */
import { RequestRefusedError } from "../plugin/ports/http/http-port.ts";
import type { BeforeSendHook, OutgoingRequest } from "../plugin/ports/http/send-request.ts";
import { eventsOf, type SafetyAudit } from "./audit.ts";
import type { LeakDetector } from "./leak-detector.ts";

function textOf(request: OutgoingRequest): string {
  const headers = [...request.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
  let decodedUrl = request.url.href;
  try {
    decodedUrl = decodeURIComponent(request.url.href);
  } catch {
    // A malformed escape: the raw URL is still scanned.
  }
  return [request.url.href, decodedUrl, headers, request.body ?? ""].join("\n");
}

export function createOutboundScan(options: { detector: LeakDetector; audit: SafetyAudit }): BeforeSendHook {
  return async function scanOutboundRequest(request) {
    const scan = options.detector.scan(textOf(request));
    if (scan.findings.length === 0) return;
    await options.audit(eventsOf("http_request", scan.findings, request.url.hostname));
    if (scan.action !== "block" && scan.action !== "redact") return;
    const names = [...new Set(scan.findings.filter((f) => f.action !== "warn").map((f) => f.name))];
    throw new RequestRefusedError(
      `Refused to send a request to ${request.url.hostname}: it carries a credential (${names.join(", ")}). ` +
        "Secrets are never written into requests; the host adds a mapped secret itself.",
    );
  };
}
