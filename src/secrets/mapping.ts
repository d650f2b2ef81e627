/**
 * Credential mappings: which secret the host puts into which requests, and where. A mapping names
 * hosts (exact names or globs whose `*` stands for one DNS label, so `*.github.com` covers
 * `api.github.com` but neither `github.com` nor `evil.com/.github.com`), an optional path prefix
 * (`/v1` covers `/v1` and `/v1/…`, not `/v10`), and a location:
 *   bearer            Authorization: Bearer <value>
 *   basic             Authorization: Basic base64(<value>)   (the value is user:password)
 *   header NAME [P]   NAME: P<value>
 *   query NAME        ?NAME=<value>
 *   url-path TEXT     TEXT in the URL path is replaced (Telegram's /bot<token>/…)
 * A bare `*` or a glob over a top-level domain is refused: a credential for "every host" is a
 * credential for the attacker's host.
 */
import { SecretInputError } from "./errors.ts";

export type CredentialLocation =
  | { type: "bearer" }
  | { type: "basic" }
  | { type: "header"; name: string; prefix?: string }
  | { type: "query"; name: string }
  | { type: "url-path"; placeholder: string };

export interface CredentialMapping {
  secret: string;
  hosts: readonly string[];
  pathPrefix?: string;
  location: CredentialLocation;
}

const hostGlobPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const headerNamePattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const placeholderPattern = /^[A-Za-z0-9_{}<>$.-]{3,64}$/;
const forbiddenHeaders = new Set(["host", "content-length", "transfer-encoding", "connection", "cookie"]);

/** Lower-cases and checks a host glob; throws SecretInputError naming what is wrong. */
export function checkHostGlob(raw: string): string {
  const glob = raw.trim().toLowerCase().replace(/\.$/, "");
  const wildcard = glob.startsWith("*.");
  if (!hostGlobPattern.test(glob) || (wildcard && !glob.slice(2).includes("."))) {
    throw new SecretInputError(
      `invalid host ${JSON.stringify(raw)}: use a host name such as api.github.com, or *.example.com for its subdomains`,
    );
  }
  return glob;
}

export function checkLocation(location: CredentialLocation): CredentialLocation {
  if (location.type === "header") {
    if (!headerNamePattern.test(location.name) || forbiddenHeaders.has(location.name.toLowerCase())) {
      throw new SecretInputError(`invalid header name ${JSON.stringify(location.name)}`);
    }
    if (location.prefix !== undefined && /[\r\n\0]/.test(location.prefix)) {
      throw new SecretInputError("a header prefix cannot contain line breaks");
    }
  }
  if (location.type === "query" && !/^[A-Za-z0-9_.-]{1,64}$/.test(location.name)) {
    throw new SecretInputError(`invalid query parameter name ${JSON.stringify(location.name)}`);
  }
  if (location.type === "url-path" && !placeholderPattern.test(location.placeholder)) {
    throw new SecretInputError(
      `invalid URL placeholder ${JSON.stringify(location.placeholder)}: 3 to 64 of letters, digits and _{}<>$.-`,
    );
  }
  return location;
}

export function checkPathPrefix(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!raw.startsWith("/") || /[\s?#]/.test(raw)) {
    throw new SecretInputError(
      `invalid path prefix ${JSON.stringify(raw)}: it starts with / and has no spaces, ? or #`,
    );
  }
  return raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
}

export function hostMatches(glob: string, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (!glob.startsWith("*.")) return host === glob;
  const suffix = glob.slice(1); // ".example.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label);
}

export function pathMatches(prefix: string | undefined, pathname: string): boolean {
  if (prefix === undefined || prefix === "/") return true;
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** Does `mapping` apply to `url`? Only https, or http to a host the owner allowed (the port decides reach). */
export function mappingApplies(mapping: CredentialMapping, url: URL): boolean {
  return (
    mapping.hosts.some((glob) => hostMatches(glob, url.hostname)) &&
    pathMatches(mapping.pathPrefix, url.pathname)
  );
}

/** One-line description for the CLI and logs (never the value). */
export function describeLocation(location: CredentialLocation): string {
  switch (location.type) {
    case "bearer":
      return "Authorization: Bearer";
    case "basic":
      return "Authorization: Basic";
    case "header":
      return `header ${location.name}${location.prefix ? ` (prefix ${JSON.stringify(location.prefix)})` : ""}`;
    case "query":
      return `query parameter ${location.name}`;
    case "url-path":
      return `URL path placeholder ${location.placeholder}`;
  }
}
