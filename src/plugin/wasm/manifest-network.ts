/**
 * The network half of a capability manifest: `http.allowlist` (which hosts, paths and methods a
 * tool may reach) and `credentials` (which stored secret the host injects for which hosts). Hosts
 * follow the same grammar as `ironclaw secrets map` (src/secrets/mapping.ts): exact names or
 * `*.example.com`; a bare `*` or a glob over a top-level domain is refused, because "every host"
 * includes the attacker's. A credential may only name hosts the allowlist already grants: a
 * token mapped to a host the tool cannot reach is a mistake, and one mapped more widely than the
 * tool's reach would be a standing offer to whoever controls the extra hosts.
 */
import { SecretInputError } from "../../secrets/errors.ts";
import {
  type CredentialLocation,
  checkHostGlob,
  checkLocation,
  checkPathPrefix,
  hostMatches,
} from "../../secrets/mapping.ts";
import { checkSecretName } from "../../secrets/names.ts";
import type { CredentialGrant, HttpAllowRule } from "./contract.ts";
import { type FieldReader, shown } from "./manifest-fields.ts";

export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Methods that change something on the remote side: a `read`-risk tool may not use them. */
export const writingMethods: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function checked<T>(reader: FieldReader, field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SecretInputError) reader.fail(field, error.message);
    throw error;
  }
}

export function readHost(reader: FieldReader, value: unknown, field: string): string {
  const raw = reader.string(value, field, 253);
  if (raw.trim() === "*") reader.fail(field, 'a bare "*" would allow every host; name the hosts');
  return checked(reader, field, () => checkHostGlob(raw));
}

export function readAllowlist(reader: FieldReader, value: unknown, field: string): HttpAllowRule[] {
  return reader.array(value, field, 64).map((entry, index) => {
    const at = `${field}[${index}]`;
    const rule = reader.object(entry, at, ["host", "path_prefix", "methods"]);
    const host = readHost(reader, rule.host, `${at}.host`);
    const rawPrefix =
      rule.path_prefix === undefined ? "/" : reader.string(rule.path_prefix, `${at}.path_prefix`, 512);
    const pathPrefix = checked(reader, `${at}.path_prefix`, () => checkPathPrefix(rawPrefix)) ?? "/";
    const methods =
      rule.methods === undefined
        ? ["GET"]
        : reader
            .array(rule.methods, `${at}.methods`, httpMethods.length)
            .map((method, position) =>
              reader.oneOf(
                typeof method === "string" ? method.toUpperCase() : method,
                `${at}.methods[${position}]`,
                httpMethods,
              ),
            );
    if (methods.length === 0) reader.fail(`${at}.methods`, "lists no method (leave it out for GET only)");
    return { host, pathPrefix, methods: [...new Set(methods)] };
  });
}

/** Is every host `glob` stands for reachable through the allowlist? */
function coveredBy(glob: string, allowlist: readonly HttpAllowRule[]): boolean {
  return allowlist.some(
    (rule) => rule.host === glob || (!glob.startsWith("*.") && hostMatches(rule.host, glob)),
  );
}

function readLocation(reader: FieldReader, value: unknown, field: string): CredentialLocation {
  if (value === undefined) return { type: "bearer" };
  const raw = reader.object(value, field, ["type", "name", "prefix", "placeholder"]);
  const type = reader.oneOf(raw.type, `${field}.type`, ["bearer", "basic", "header", "query", "url-path"]);
  const allowedKeys: Record<string, string[]> = {
    bearer: ["type"],
    basic: ["type"],
    header: ["type", "name", "prefix"],
    query: ["type", "name"],
    "url-path": ["type", "placeholder"],
  };
  reader.object(raw, field, allowedKeys[type] as string[]);
  const location = ((): CredentialLocation => {
    switch (type) {
      case "header":
        return {
          type,
          name: reader.string(raw.name, `${field}.name`, 64),
          ...(raw.prefix === undefined ? {} : { prefix: reader.string(raw.prefix, `${field}.prefix`, 64) }),
        };
      case "query":
        return { type, name: reader.string(raw.name, `${field}.name`, 64) };
      case "url-path":
        return { type, placeholder: reader.string(raw.placeholder, `${field}.placeholder`, 64) };
      default:
        return { type };
    }
  })();
  return checked(reader, field, () => checkLocation(location));
}

export function readCredentials(
  reader: FieldReader,
  value: unknown,
  field: string,
  allowlist: readonly HttpAllowRule[],
): CredentialGrant[] {
  return reader.array(value, field, 16).map((entry, index) => {
    const at = `${field}[${index}]`;
    const grant = reader.object(entry, at, ["secret", "hosts", "location"]);
    const secret = checked(reader, `${at}.secret`, () =>
      checkSecretName(reader.string(grant.secret, `${at}.secret`, 64)),
    );
    const hosts = reader
      .array(grant.hosts, `${at}.hosts`, 16)
      .map((host, position) => readHost(reader, host, `${at}.hosts[${position}]`));
    if (hosts.length === 0) reader.fail(`${at}.hosts`, "names no host");
    hosts.forEach((host, position) => {
      if (!coveredBy(host, allowlist)) {
        reader.fail(`${at}.hosts[${position}]`, `${shown(host)} is not on http.allowlist`);
      }
    });
    return { secret, hosts, location: readLocation(reader, grant.location, `${at}.location`) };
  });
}

/**
 * The fields every plugin manifest shares: its description, the hosts it may reach, and the
 * credentials the host injects for them (each credential's hosts must be on the allowlist).
 */
export function readNetworkGrants(
  reader: FieldReader,
  raw: Record<string, unknown>,
): { description: string; allowlist: HttpAllowRule[]; credentials: CredentialGrant[] } {
  const description =
    raw.description === undefined ? "" : reader.string(raw.description, "description", 2000).trim();
  const http = raw.http === undefined ? {} : reader.object(raw.http, "http", ["allowlist"]);
  const allowlist =
    http.allowlist === undefined ? [] : readAllowlist(reader, http.allowlist, "http.allowlist");
  const credentials =
    raw.credentials === undefined ? [] : readCredentials(reader, raw.credentials, "credentials", allowlist);
  return { description, allowlist, credentials };
}
