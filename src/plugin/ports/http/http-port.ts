/**
 * The `http` capability tools receive in their context: the only way a built-in tool reaches the
 * network. It owns the SSRF guard (every hop checked against HTTP_ALLOW_HOSTS and the address
 * policy, its connection pinned to the addresses the check approved, redirects followed by hand
 * and capped) and the hook through which the host injects credentials for mapped hosts, so a
 * tool never holds a secret and cannot skip the guard by forgetting it. A tool that only needs the verdict (a precheck before the owner is asked) calls
 * `check`; `send` checks again, because time passes between the question and the answer.
 *
 * Example:
 *   const refusal = await context.http.check(url, context.signal);
 *   const { response } = await context.http.send({ method: "GET", url, headers: new Headers() }, { signal });
 */
import { checkDestination, createDestinationPolicy, type LookupAll, lookupAll } from "./destination-check.ts";
import { createPinnedFetch } from "./pinned-fetch.ts";
import {
  type BeforeSendHook,
  type CredentialInjector,
  type FetchFunction,
  type OutgoingRequest,
  type SendOutcome,
  sendRequest,
} from "./send-request.ts";

export type { PinnedAddresses } from "./destination-check.ts";
export { createPinnedFetch } from "./pinned-fetch.ts";
export type {
  BeforeSendHook,
  CredentialInjector,
  FetchFunction,
  OutgoingRequest,
  SendOutcome,
} from "./send-request.ts";
export { RequestRefusedError } from "./send-request.ts";

export interface HttpPort {
  /** Null when `url` may be reached, else the refusal for the model. */
  check(url: URL, signal: AbortSignal): Promise<string | null>;
  /**
   * Sends through the guard and returns the final response (the caller reads and cancels its
   * body). Throws `RequestRefusedError` (message for the model) for a refused hop or too many
   * redirects; network errors and aborts propagate as they are.
   */
  send(
    request: OutgoingRequest,
    options: {
      signal: AbortSignal;
      maxRedirects?: number;
      /** Checked on every hop after the port's own hooks (a WASM tool's allowlist). */
      beforeSend?: BeforeSendHook;
      /** The only secrets the host may inject into this request; undefined = any mapped one. */
      allowedSecrets?: ReadonlySet<string>;
    },
  ): Promise<SendOutcome>;
}

export interface HttpPortOptions {
  /** Hosts reachable even though private or loopback (config `HTTP_ALLOW_HOSTS`), e.g. "localhost". */
  allowHosts: readonly string[];
  /** Default: pinned-fetch.ts (connects only to the addresses the check approved). */
  fetch?: FetchFunction;
  /**
   * Name resolution used by the SSRF check, and the only one for hosts outside HTTP_ALLOW_HOSTS
   * (their connection is pinned to its answer); defaults to `dns.promises.lookup(name, { all: true })`.
   */
  lookup?: LookupAll;
  /**
   * Why an address must not be reached (default: address-policy.ts). Only tests set it, to let a
   * second loopback address stand in for a public server; the host never does.
   */
  classifyAddress?: (address: string) => string | null;
  /**
   * Checks run on every hop, in order, after the destination check and before `credentials`
   * (the safety layer's outbound scan sees the request without secrets). A hook refuses by throwing.
   */
  beforeSend?: readonly BeforeSendHook[];
  /** Host-side credential injection per hop (src/secrets/injector.ts). Default: adds nothing. */
  credentials?: CredentialInjector;
  /** Redirects followed when the caller names no limit. Default 5. */
  maxRedirects?: number;
}

export function createHttpPort(options: HttpPortOptions): HttpPort {
  const fetchFunction: FetchFunction = options.fetch ?? createPinnedFetch();
  const policy = {
    ...createDestinationPolicy(options.allowHosts, options.lookup ?? lookupAll),
    ...(options.classifyAddress ? { classify: options.classifyAddress } : {}),
  };
  const defaultRedirects = options.maxRedirects ?? 5;
  return {
    check: (url, signal) => checkDestination(url, policy, signal),
    send: (request, { signal, maxRedirects, beforeSend, allowedSecrets }) =>
      sendRequest(request, {
        fetch: fetchFunction,
        policy,
        signal,
        maxRedirects: maxRedirects ?? defaultRedirects,
        credentials: options.credentials,
        beforeSend: beforeSend ? [...(options.beforeSend ?? []), beforeSend] : options.beforeSend,
        allowedSecrets,
      }),
  };
}
