/**
 * The safety scan of tool results, as a result hook (src/agent/tool-steps/result-hooks.ts): it
 * runs on the capped text, before the model sees it. In order: the leak detector (a known secret
 * or a `block` pattern withholds the result; `redact` patterns are replaced), the output policy
 * (private keys, system-file dumps are withheld), then the injection defences: a result carrying
 * injection markers (phrases, role markers, control tokens, our delimiters) is wrapped as a
 * delimited data block naming its source, with its control sequences escaped, and the markers are
 * flagged on the result (the `tool-result` event carries them) and in the turn's log. Every other
 * output is shown to the model as a data block too, when the request is built (the loop's
 * `presentToolOutput`), so stored results and events keep what the tool returned. Every finding
 * becomes a `leak_events` row.
 */
import type { ToolResultHook } from "../agent/tool-steps/result-hooks.ts";
import { eventsOf, type SafetyAudit } from "./audit.ts";
import { injectionMarkersOf, wrapUntrusted } from "./injection.ts";
import type { LeakDetector } from "./leak-detector.ts";
import { checkOutputPolicy } from "./output-policy.ts";

export interface ToolResultGuardOptions {
  detector: LeakDetector;
  audit: SafetyAudit;
}

export function createToolResultGuard(options: ToolResultGuardOptions): ToolResultHook {
  return async function scanToolResult({ tool, risk, result, context }) {
    const scan = options.detector.scan(result.content);
    const violation = checkOutputPolicy(result.content);
    const findings = [...scan.findings];
    if (violation) findings.push({ name: `policy:${violation.rule}`, action: "block", start: 0, end: 0 });
    const markers = scan.action === "block" || violation ? [] : injectionMarkersOf(scan.redacted);
    const flagged = markers.map((marker) => ({ name: `injection:${marker}`, action: "warn" as const }));
    await options.audit(eventsOf("tool_output", [...findings, ...flagged], tool, context.turnId));
    if (findings.length > 0) {
      context.log.warn("leak scan findings in a tool result", {
        findings: [...new Set(findings.map((finding) => finding.name))],
        action: violation ? "block" : scan.action,
      });
    }
    if (violation) {
      return { content: `The result of ${tool} was withheld: ${violation.reason}.`, isError: true };
    }
    if (scan.action === "block") {
      const names = [...new Set(scan.findings.filter((f) => f.action === "block").map((f) => f.name))];
      return {
        content: `The result of ${tool} was withheld: it contained a credential (${names.join(", ")}).`,
        isError: true,
      };
    }
    if (markers.length > 0) context.log.warn("injection markers in a tool result", { markers });
    if (markers.length === 0 && risk !== "external") return { ...result, content: scan.redacted };
    const wrapped = wrapUntrusted(`tool:${tool}`, scan.redacted);
    return markers.length > 0
      ? { ...result, content: wrapped, flags: markers }
      : { ...result, content: wrapped };
  };
}
