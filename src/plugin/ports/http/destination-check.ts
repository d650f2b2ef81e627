/**
 * The SSRF gate every hop of an HTTP request passes through (the first URL and each redirect).
 * A host named in HTTP_ALLOW_HOSTS is trusted as written; any other host must be an http(s) URL
 * whose literal IP, or every address its name resolves to, is public. One private answer among
 * several is enough to refuse, since the connection may pick any of them.
 *
 * Known limit: the name is resolved here and again by fetch, so a DNS server that answers
 * differently within that window (DNS rebinding) is not stopped by this check alone; the host's
 * network policy (egress proxy, firewall) is the defence for that.
 */
import { lookup } from "node:dns/promises";
import { classifyAddress, isIpLiteral } from "./address-policy.ts";

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to all of its addresses (the shape of `dns.promises.lookup` with `all`). */
export type LookupAll = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const lookupAll: LookupAll = (hostname) => lookup(hostname, { all: true });

export interface DestinationPolicy {
  /** Normalised with `normalizeHost`. */
  allowHosts: ReadonlySet<string>;
  lookup: LookupAll;
}

/** Lower case, no IPv6 brackets, no trailing dot: how allow-list entries and hostnames compare. */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase().replace(/\.$/, "");
  return lower.startsWith("[") && lower.endsWith("]") ? lower.slice(1, -1) : lower;
}

export function createDestinationPolicy(
  allowHosts: readonly string[],
  resolve: LookupAll,
): DestinationPolicy {
  const normalized = allowHosts.map(normalizeHost).filter((host) => host !== "");
  return { allowHosts: new Set(normalized), lookup: resolve };
}

function allowHint(hostname: string): string {
  return `Add "${normalizeHost(hostname)}" to HTTP_ALLOW_HOSTS to allow it.`;
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** Null when the URL may be fetched, otherwise a refusal message for the model. */
export async function checkDestination(
  url: URL,
  policy: DestinationPolicy,
  signal: AbortSignal,
): Promise<string | null> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `Refused ${url.protocol.replace(/:$/, "")} URL: only http and https are allowed.`;
  }
  const hostname = url.hostname;
  if (policy.allowHosts.has(normalizeHost(hostname))) return null;
  if (isIpLiteral(hostname)) {
    const reason = classifyAddress(hostname);
    return reason === null
      ? null
      : `Refused to connect to ${hostname}: it is ${reason}. ${allowHint(hostname)}`;
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await Promise.race([policy.lookup(normalizeHost(hostname)), rejectOnAbort(signal)]);
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    return `Could not resolve host ${hostname}${typeof code === "string" ? ` (${code})` : ""}.`;
  }
  if (addresses.length === 0) return `Could not resolve host ${hostname}: no addresses.`;
  for (const { address } of addresses) {
    const reason = classifyAddress(address);
    if (reason !== null) {
      return `Refused to connect to ${hostname}: it resolves to ${address}, ${reason}. ${allowHint(hostname)}`;
    }
  }
  return null;
}
