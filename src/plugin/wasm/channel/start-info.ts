/**
 * What `on-start` returned, read defensively and bounded by the manifest: webhook routes only if
 * the manifest declares `webhook` (else they are dropped with a warning — the owner approved no
 * inbound HTTP), at most 16 of them, paths of safe characters; the poll interval raised to the
 * manifest's minimum, and no polling at all without `polling` in the manifest.
 */
import type { WasmChannelManifest } from "../contract.ts";

export interface WebhookRoute {
  readonly path: string;
  readonly methods: readonly string[];
}

export interface StartInfo {
  readonly webhooks: readonly WebhookRoute[];
  /** Undefined: never poll. */
  readonly pollIntervalMs?: number;
  readonly canEdit: boolean;
  readonly canApprove: boolean;
  /** Why parts of what the guest asked for were dropped. */
  readonly warnings: readonly string[];
}

const maxRoutes = 16;
const pathPattern = /^\/[A-Za-z0-9/_.~-]{0,199}$/;
const methodPattern = /^[A-Z]{1,16}$/;

export function readStartInfo(manifest: WasmChannelManifest, raw: unknown): StartInfo | string {
  if (raw === null || typeof raw !== "object") return "on-start did not return a start-info record";
  const record = raw as {
    webhooks?: unknown;
    pollIntervalMs?: unknown;
    canEdit?: unknown;
    canApprove?: unknown;
  };
  const warnings: string[] = [];
  const routes: WebhookRoute[] = [];
  const asked = Array.isArray(record.webhooks) ? record.webhooks : [];
  if (asked.length > 0 && !manifest.webhook) {
    warnings.push(`on-start asked for ${asked.length} webhook route(s) but the manifest declares no webhook`);
  } else {
    for (const route of asked.slice(0, maxRoutes)) {
      const { path, methods } = (route ?? {}) as { path?: unknown; methods?: unknown };
      if (typeof path !== "string" || !pathPattern.test(path) || path.includes("..")) {
        warnings.push(`webhook path ${JSON.stringify(path)} refused`);
        continue;
      }
      const list = Array.isArray(methods) ? methods.filter((method) => typeof method === "string") : [];
      const upper = list.map((method) => method.toUpperCase()).filter((method) => methodPattern.test(method));
      routes.push({ path, methods: upper.length > 0 ? [...new Set(upper)] : ["POST"] });
    }
    if (asked.length > maxRoutes) warnings.push(`only the first ${maxRoutes} webhook routes are served`);
  }
  let pollIntervalMs: number | undefined;
  const interval = record.pollIntervalMs;
  if (typeof interval === "number" && Number.isFinite(interval) && interval >= 0) {
    if (manifest.polling) pollIntervalMs = Math.max(interval, manifest.polling.minIntervalMs);
    else warnings.push("on-start asked to be polled but the manifest declares no polling");
  }
  return {
    webhooks: routes,
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
    canEdit: record.canEdit === true,
    canApprove: record.canApprove === true,
    warnings,
  };
}
