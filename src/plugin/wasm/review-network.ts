/**
 * The review lines every plugin kind shares (review.ts for tools, review-channel.ts for
 * channels): hosts it may reach, credentials the host sends there, secrets it may ask about,
 * workspace reads and the limits of one call. A credential's line says whether its secret is
 * stored yet, so the owner knows what to add before the plugin can work.
 */
import { describeLocation } from "../../secrets/mapping.ts";
import type { WasmChannelManifest, WasmToolManifest } from "./contract.ts";
import type { GrantStatus } from "./credential-grants.ts";

export function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024)
    return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

export function describeNetwork(
  manifest: WasmToolManifest | WasmChannelManifest,
  grants: readonly GrantStatus[] | undefined,
  kind: "tool" | "channel",
): string[] {
  const lines: string[] = [];
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
      `Credential: the host sends secret ${grant.secret} to ${grant.hosts.join(", ")} as ${describeLocation(grant.location)}; the ${kind} never sees it${stored}.`,
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
    `Limits per ${kind === "tool" ? "call" : "callback"}: ${limits.timeoutMs / 1000} s, ${limits.memoryMiB} MiB memory, ${bytesText(limits.responseBytes)} per response; ${limits.requestsPerMinute} requests a minute, ${limits.requestsPerHour} an hour.`,
  );
  return lines;
}
