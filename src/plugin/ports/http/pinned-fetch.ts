/**
 * The HTTP port's default `fetch`: connects to an address the destination check approved instead
 * of letting fetch resolve the name again, which is what closes DNS rebinding (a name answering a
 * public address to the check and 127.0.0.1 to the connection). The request goes to
 * `http(s)://<approved ip>:<port>/path` with the real `Host` header, and for https with
 * `tls.serverName` set to the real name, so SNI and certificate verification still use the name
 * the tool asked for (verified against a local TLS server in test/plugin/ports/http/). Bun's
 * connection pool keys TLS connections by server name, so a connection verified for one name is
 * never reused for another on the same address.
 *
 * Approved addresses are tried in lookup order while the connection itself fails (refused,
 * unreachable: nothing was sent yet), as fetch would do for a name with several addresses.
 * Errors quote the URL the caller passed, never the rewritten one.
 *
 * Example:
 *   const port = createHttpPort({ allowHosts: [], fetch: createPinnedFetch({ ca: testCertificate }) });
 */
import { isIPv6 } from "node:net";
import { isIpLiteral } from "./address-policy.ts";
import { normalizeHost, type PinnedAddresses } from "./destination-check.ts";
import { type FetchFunction, RequestRefusedError } from "./send-request.ts";

export interface PinnedFetchOptions {
  /** Extra trusted certificate authorities (PEM), for tests against a local TLS server. */
  ca?: string | readonly string[];
}

/** Failures before a connection exists: another approved address may still answer. */
const connectFailures = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

/** The same URL with its host replaced by `address` (port, path, query and fragment kept). */
export function pinnedUrl(url: URL, address: string): URL {
  const pinned = new URL(url.href);
  pinned.hostname = isIPv6(address) ? `[${address}]` : address;
  return pinned;
}

/**
 * The caller's URL in place of the rewritten one, so a log or the model sees the name it used.
 * The original error is dropped, not kept as `cause`: its message and fields quote the rewritten
 * URL, query included, and a credential may sit in that query (send-request.ts hides it by URL).
 */
function restoreUrl(error: unknown, pinned: URL, original: URL): unknown {
  if (!(error instanceof Error) || !error.message.includes(pinned.origin)) return error;
  const message = error.message
    .replaceAll(pinned.href, original.href)
    .replaceAll(pinned.origin, original.origin);
  const restored = new Error(message);
  restored.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") Object.assign(restored, { code });
  return restored;
}

export function createPinnedFetch(options: PinnedFetchOptions = {}): FetchFunction {
  const ca = options.ca === undefined ? undefined : [options.ca].flat();
  const tlsFor = (hostname: string | undefined) => {
    const tls: BunFetchRequestInitTLS = {};
    if (ca) tls.ca = ca;
    if (hostname !== undefined) tls.serverName = hostname;
    return tls;
  };

  async function fetchAt(url: URL, init: RequestInit, address: string, hostname: string): Promise<Response> {
    const target = pinnedUrl(url, address);
    const headers = new Headers(init.headers);
    headers.set("host", url.host);
    const https = url.protocol === "https:";
    const bunInit: BunFetchRequestInit = { ...init, headers, ...(https ? { tls: tlsFor(hostname) } : {}) };
    try {
      return await fetch(target, bunInit);
    } catch (error) {
      throw restoreUrl(error, target, url);
    }
  }

  return async function pinnedFetch(
    url: URL,
    init: RequestInit,
    pinned?: PinnedAddresses,
  ): Promise<Response> {
    const direct = () =>
      fetch(url, { ...init, ...(ca && url.protocol === "https:" ? { tls: tlsFor(undefined) } : {}) });
    if (pinned === undefined) return direct(); // a host in HTTP_ALLOW_HOSTS: resolved as usual
    const hostname = normalizeHost(url.hostname);
    if (hostname !== pinned.hostname) {
      throw new RequestRefusedError(
        `Refused ${hostname}: its addresses were not checked (${pinned.hostname} was).`,
      );
    }
    if (isIpLiteral(url.hostname)) return direct(); // the literal is the address that was checked
    let lastError: unknown = new Error(`No approved address for ${hostname}.`);
    for (const { address } of pinned.addresses) {
      try {
        return await fetchAt(url, init, address, hostname);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (init.signal?.aborted || typeof code !== "string" || !connectFailures.has(code)) throw error;
        lastError = error;
      }
    }
    throw lastError;
  };
}
