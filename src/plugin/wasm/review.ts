/**
 * What the owner reads before a tool is installed: every capability in plain words, the SHA-256
 * and size of the exact bytes that will be stored, and the component's imports. The same lines
 * are printed by `ironclaw tools install` and `tools inspect`, and shown in a chat approval
 * (issue #18), so the owner approves the same text wherever they decide.
 */
import { describeLocation } from "../../secrets/mapping.ts";
import type { ToolApproval } from "../tool.ts";
import type { WasmToolManifest } from "./contract.ts";
import type { GrantStatus } from "./credential-grants.ts";

const approvalWords: Record<ToolApproval, string> = {
  never: "runs without asking",
  "unless-auto-approved": "asks you before each call, unless you chose Always",
  always: "asks you before every call",
};

function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024)
    return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

export { bytesText as formatSize };

/** The manifest's grants, one line each, in words an owner can judge. */
export function describeCapabilities(manifest: WasmToolManifest, grants?: readonly GrantStatus[]): string[] {
  const lines: string[] = [`Risk: ${manifest.risk}; ${approvalWords[manifest.approval]}.`];
  if (manifest.http.allowlist.length === 0) lines.push("Network: none.");
  for (const rule of manifest.http.allowlist) {
    const where = rule.pathPrefix === "/" ? "any path" : `paths under ${rule.pathPrefix}`;
    lines.push(`Network: ${rule.methods.join(", ")} to ${rule.host} (${where}).`);
  }
  for (const grant of manifest.credentials) {
    const status = grants?.find((entry) => entry.grant === grant);
    const stored = !status
      ? ""
      : status.secretStored
        ? " (stored)"
        : ` (not stored yet: add it with \`ironclaw secrets set ${grant.secret}\`)`;
    lines.push(
      `Credential: the host sends secret ${grant.secret} to ${grant.hosts.join(", ")} as ${describeLocation(grant.location)}; the tool never sees it${stored}.`,
    );
  }
  if (manifest.secrets.allowedNames.length > 0) {
    lines.push(
      `Secrets: may ask whether ${manifest.secrets.allowedNames.join(", ")} exist (never their values).`,
    );
  }
  lines.push(
    manifest.workspace.readPrefixes.length === 0
      ? "Workspace: no access."
      : `Workspace: reads files under ${manifest.workspace.readPrefixes.join(", ")}.`,
  );
  const limits = manifest.limits;
  lines.push(
    `Limits per call: ${limits.timeoutMs / 1000} s, ${limits.memoryMiB} MiB memory, ${bytesText(limits.responseBytes)} per response; ${limits.requestsPerMinute} requests a minute, ${limits.requestsPerHour} an hour.`,
  );
  return lines;
}

export interface ReviewFacts {
  readonly manifest: WasmToolManifest;
  readonly sha256: string;
  readonly size: number;
  readonly imports: readonly string[];
  readonly pluginVersion?: string;
  readonly sourceChars?: number;
  readonly grants?: readonly GrantStatus[];
  /** The version this install replaces, if the name is installed already. */
  readonly replaces?: { readonly version: number; readonly sha256: string };
  readonly version: number;
}

/** The full review as lines of text. */
export function formatReview(facts: ReviewFacts): string[] {
  const { manifest } = facts;
  return [
    `Tool ${manifest.name}, version ${facts.version}${facts.replaces ? ` (replaces version ${facts.replaces.version}, SHA-256 ${facts.replaces.sha256.slice(0, 12)}…)` : ""}`,
    ...(manifest.description ? [`Description: ${manifest.description}`] : []),
    `SHA-256: ${facts.sha256}`,
    `Size: ${bytesText(facts.size)}${facts.sourceChars === undefined ? "" : `; source ${facts.sourceChars} characters`}`,
    `WIT: ironclaw:plugin@${facts.pluginVersion ?? "?"}; imports ${facts.imports.join(", ") || "nothing"}`,
    ...describeCapabilities(manifest, facts.grants),
  ];
}
