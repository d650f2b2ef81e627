/**
 * Sends a request and follows redirects by hand, because fetch's automatic redirects would
 * connect to the next hop before we could check it: a public URL answering `302 Location:
 * http://169.254.169.254/` is the classic SSRF bypass. Each hop goes through the same
 * destination check, the hop count is capped, and credentials are not carried to another origin.
 * Credentials the host injects (`credentials`) are added to each hop's own copy of the headers
 * after its check, so they reach exactly the host they were mapped to and never a redirect target.
 * Each hop's connection is pinned to the addresses its own check approved (see FetchFunction).
 */
import { type DestinationPolicy, type PinnedAddresses, resolveDestination } from "./destination-check.ts";

/**
 * Makes one hop's request. `input` is the URL as the tool wrote it (plus any credential the host
 * put in it), with the host name, never an IP; `pinned` holds the addresses the destination check
 * approved for that name (undefined for a host in HTTP_ALLOW_HOSTS). The default
 * (pinned-fetch.ts) connects only to those; a test fake may route by name and ignore them.
 */
export type FetchFunction = (input: URL, init: RequestInit, pinned?: PinnedAddresses) => Promise<Response>;

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

/**
 * Adds the host's credentials for `url` to `headers` (a copy used for that one hop); returns the
 * URL to fetch instead when a credential goes into the URL (query, path), else nothing.
 * src/secrets/injector.ts provides it from the owner's credential mappings.
 */
export type CredentialInjector = (
  url: URL,
  headers: Headers,
  options?: CredentialInjectionOptions,
) => URL | undefined | Promise<URL | undefined>;

export interface CredentialInjectionOptions {
  /**
   * The only secrets this request may carry (a WASM tool passes the ones its manifest names);
   * undefined = every mapping that applies, as for built-in tools.
   */
  allowedSecrets?: ReadonlySet<string>;
}

/**
 * Runs on each hop after its destination check and before credentials are injected, in order
 * (the safety layer's outbound scan): it sees the request as the tool wrote it, and refuses it by
 * throwing RequestRefusedError.
 */
export type BeforeSendHook = (request: OutgoingRequest, signal: AbortSignal) => void | Promise<void>;

export interface SendOptions {
  fetch: FetchFunction;
  policy: DestinationPolicy;
  signal: AbortSignal;
  maxRedirects: number;
  credentials?: CredentialInjector;
  beforeSend?: readonly BeforeSendHook[];
  /** Secrets the injector may use for this request (see CredentialInjectionOptions). */
  allowedSecrets?: ReadonlySet<string>;
}

export interface SendOutcome {
  response: Response;
  /** The URL that produced `response` (after redirects). */
  url: URL;
  redirects: number;
}

/** A request the HTTP port will not make; the message is for the model. */
export class RequestRefusedError extends Error {}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const credentialHeaders = ["authorization", "cookie", "proxy-authorization"];
const bodyHeaders = ["content-type", "content-length", "content-encoding", "content-language"];

/** The request for the hop after a redirect, with fetch's rules for method and credentials. */
function redirectedRequest(previous: OutgoingRequest, status: number, next: URL): OutgoingRequest {
  const headers = new Headers(previous.headers);
  let method = previous.method;
  let body = previous.body;
  const becomesGet =
    status === 303 ? method !== "HEAD" : (status === 301 || status === 302) && method === "POST";
  if (becomesGet) {
    method = "GET";
    body = undefined;
    for (const name of bodyHeaders) headers.delete(name);
  }
  if (next.origin !== previous.url.origin) {
    for (const name of credentialHeaders) headers.delete(name);
  }
  return body === undefined ? { method, url: next, headers } : { method, url: next, headers, body };
}

/**
 * One fetch. When a credential went into the URL, a network error could quote that URL, so its
 * message is rebuilt around the URL the tool wrote and the original (with its cause) is dropped.
 */
async function fetchHop(
  options: SendOptions,
  target: URL,
  request: OutgoingRequest,
  headers: Headers,
  pinned: PinnedAddresses | undefined,
) {
  try {
    const init: RequestInit = {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: "manual",
      signal: options.signal,
    };
    return await options.fetch(target, init, pinned);
  } catch (error) {
    if (target === request.url || options.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    const safe = new Error(
      message.replaceAll(target.href, request.url.href).replaceAll(target.pathname, request.url.pathname),
    );
    if (typeof code === "string") Object.assign(safe, { code });
    throw safe;
  }
}

export async function sendRequest(request: OutgoingRequest, options: SendOptions): Promise<SendOutcome> {
  let current = request;
  for (let redirects = 0; ; redirects += 1) {
    const verdict = await resolveDestination(current.url, options.policy, options.signal);
    if (!verdict.allowed) {
      const { refusal } = verdict;
      throw new RequestRefusedError(redirects === 0 ? refusal : `Redirect ${redirects}: ${refusal}`);
    }
    for (const hook of options.beforeSend ?? []) await hook(current, options.signal);
    const headers = new Headers(current.headers);
    const injection = options.allowedSecrets ? { allowedSecrets: options.allowedSecrets } : undefined;
    const target = (await options.credentials?.(current.url, headers, injection)) ?? current.url;
    const response = await fetchHop(options, target, current, headers, verdict.pinned);
    const location = response.headers.get("location");
    if (!redirectStatuses.has(response.status) || location === null) {
      return { response, url: current.url, redirects };
    }
    await response.body?.cancel().catch(() => {});
    if (redirects >= options.maxRedirects) {
      throw new RequestRefusedError(`Too many redirects: stopped after ${options.maxRedirects}.`);
    }
    let next: URL;
    try {
      next = new URL(location, current.url);
    } catch (error) {
      throw new RequestRefusedError(`The server redirected to an invalid URL: ${location}`, { cause: error });
    }
    current = redirectedRequest(current, response.status, next);
  }
}
