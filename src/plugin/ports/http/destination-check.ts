/**
 * The SSRF gate every hop of an HTTP request passes through (the first URL and each redirect).
 * A host named in HTTP_ALLOW_HOSTS is trusted as written; any other host must be an http(s) URL
 * whose literal IP, or every address its name resolves to, is public. One private answer among
 * several is enough to refuse, since the connection may pick any of them.
 *
 * The verdict carries the addresses it approved, and the request connects to one of those and
 * never resolves the name again (pinned-fetch.ts): a DNS server that answers a public address
 * to this check and 127.0.0.1 or 169.254.169.254 to a second lookup (DNS rebinding) gets
 * nowhere, because there is no second lookup. Hosts in HTTP_ALLOW_HOSTS are not pinned: the
 * owner trusts them whatever they resolve to, so fetch resolves them as usual.
 */
import { lookup } from "node:dns/promises";
import { isIPv6 } from "node:net";
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
  /**
   * Why an address must not be reached, or null; `classifyAddress` unless set. Only tests set it,
   * to let a second loopback address (127.0.0.2) stand in for a public server they control.
   */
  classify?: (address: string) => string | null;
}

/**
 * The addresses the check approved for one hop, in lookup order: the connection must use one of
 * them (`hostname` is the normalised name they belong to, so a fetch can tell they are for it).
 */
export interface PinnedAddresses {
  hostname: string;
  addresses: readonly ResolvedAddress[];
}

export type DestinationVerdict =
  | { allowed: false; refusal: string }
  /** `pinned` is undefined for a host in HTTP_ALLOW_HOSTS: it is resolved normally. */
  | { allowed: true; pinned: PinnedAddresses | undefined };

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

function refuse(refusal: string): DestinationVerdict {
  return { allowed: false, refusal };
}

/** Whether `url` may be fetched and, if so, the addresses its connection is pinned to. */
export async function resolveDestination(
  url: URL,
  policy: DestinationPolicy,
  signal: AbortSignal,
): Promise<DestinationVerdict> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse(`Refused ${url.protocol.replace(/:$/, "")} URL: only http and https are allowed.`);
  }
  const hostname = url.hostname;
  const name = normalizeHost(hostname);
  if (policy.allowHosts.has(name)) return { allowed: true, pinned: undefined };
  const classify = policy.classify ?? classifyAddress;
  if (isIpLiteral(hostname)) {
    const reason = classify(name);
    if (reason !== null)
      return refuse(`Refused to connect to ${hostname}: it is ${reason}. ${allowHint(hostname)}`);
    return {
      allowed: true,
      pinned: { hostname: name, addresses: [{ address: name, family: isIPv6(name) ? 6 : 4 }] },
    };
  }
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await Promise.race([policy.lookup(name), rejectOnAbort(signal)]);
  } catch (error) {
    if (signal.aborted) throw error;
    const code = (error as { code?: unknown }).code;
    return refuse(`Could not resolve host ${hostname}${typeof code === "string" ? ` (${code})` : ""}.`);
  }
  if (addresses.length === 0) return refuse(`Could not resolve host ${hostname}: no addresses.`);
  for (const { address } of addresses) {
    const reason = classify(address);
    if (reason !== null) {
      return refuse(
        `Refused to connect to ${hostname}: it resolves to ${address}, ${reason}. ${allowHint(hostname)}`,
      );
    }
  }
  const approved = addresses.map(({ address, family }) => ({ address, family }));
  return { allowed: true, pinned: { hostname: name, addresses: approved } };
}

/** Null when the URL may be fetched, otherwise a refusal message for the model. */
export async function checkDestination(
  url: URL,
  policy: DestinationPolicy,
  signal: AbortSignal,
): Promise<string | null> {
  const verdict = await resolveDestination(url, policy, signal);
  return verdict.allowed ? null : verdict.refusal;
}
