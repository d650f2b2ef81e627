/**
 * What the owner reads before a tool (or a channel: review-channel.ts) is installed: every
 * capability in plain words, the SHA-256 and size of the exact bytes that will be stored, and the
 * component's imports. The same lines
 * are printed by `ironclaw tools install` and `tools inspect`, and shown in a chat approval
 * (issue #18), so the owner approves the same text wherever they decide.
 */
import type { ToolApproval } from "../tool.ts";
import type { GrantStatus } from "./credential-grants.ts";
import type { WasmPluginManifest } from "./plugin-manifest.ts";
import { describeChannelCapabilities } from "./review-channel.ts";
import { bytesText, describeNetwork } from "./review-network.ts";

const approvalWords: Record<ToolApproval, string> = {
  never: "runs without asking",
  "unless-auto-approved": "asks you before each call, unless you chose Always",
  always: "asks you before every call",
};

export { bytesText as formatSize };

/** The manifest's grants, one line each, in words an owner can judge. */
export function describeCapabilities(
  manifest: WasmPluginManifest,
  grants?: readonly GrantStatus[],
): string[] {
  if (manifest.kind === "channel") return describeChannelCapabilities(manifest, grants);
  return [
    `Risk: ${manifest.risk}; ${approvalWords[manifest.approval]}.`,
    ...describeNetwork(manifest, grants, "tool"),
  ];
}

export interface ReviewFacts {
  readonly manifest: WasmPluginManifest;
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
    `${manifest.kind === "channel" ? "Channel" : "Tool"} ${manifest.name}, version ${facts.version}${facts.replaces ? ` (replaces version ${facts.replaces.version}, SHA-256 ${facts.replaces.sha256.slice(0, 12)}…)` : ""}`,
    ...(manifest.description ? [`Description: ${manifest.description}`] : []),
    `SHA-256: ${facts.sha256}`,
    `Size: ${bytesText(facts.size)}${facts.sourceChars === undefined ? "" : `; source ${facts.sourceChars} characters`}`,
    `WIT: ironclaw:plugin@${facts.pluginVersion ?? "?"}; imports ${facts.imports.join(", ") || "nothing"}`,
    ...describeCapabilities(manifest, facts.grants),
  ];
}
