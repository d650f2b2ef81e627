/**
 * Stored credential mappings: adding one checks every part (host globs, path, location) and that
 * the secret exists — a mapping to an unknown secret is refused with its name, so a typo cannot
 * sit silently waiting for a secret that never comes. Rows whose stored shape no longer parses are
 * skipped, not injected.
 */
import type { Database } from "../db/client.ts";
import { deleteSecretMapping, insertSecretMapping, listSecretMappings } from "../db/secrets.ts";
import { SecretInputError } from "./errors.ts";
import {
  type CredentialLocation,
  type CredentialMapping,
  checkHostGlob,
  checkLocation,
  checkPathPrefix,
} from "./mapping.ts";
import { checkSecretName } from "./names.ts";

export interface StoredMapping extends CredentialMapping {
  id: number;
}

export async function addCredentialMapping(db: Database, mapping: CredentialMapping): Promise<StoredMapping> {
  const secret = checkSecretName(mapping.secret);
  if (mapping.hosts.length === 0) throw new SecretInputError("a mapping needs at least one host (--host)");
  const hosts = mapping.hosts.map(checkHostGlob);
  const pathPrefix = checkPathPrefix(mapping.pathPrefix);
  const location = checkLocation(mapping.location);
  const row = await insertSecretMapping(db, {
    secretName: secret,
    hosts,
    pathPrefix: pathPrefix ?? null,
    location,
  });
  if (!row) {
    throw new SecretInputError(
      `no secret named "${secret}" is stored; add it first with \`ironclaw secrets set ${secret}\``,
    );
  }
  return { id: row.id, secret, hosts, ...(pathPrefix === undefined ? {} : { pathPrefix }), location };
}

function parseLocation(raw: unknown): CredentialLocation | undefined {
  try {
    return checkLocation(raw as CredentialLocation);
  } catch {
    return undefined;
  }
}

export async function listCredentialMappings(db: Database): Promise<StoredMapping[]> {
  const mappings: StoredMapping[] = [];
  for (const row of await listSecretMappings(db)) {
    const location = parseLocation(row.location);
    if (!location || !["bearer", "basic", "header", "query", "url-path"].includes(location.type)) continue;
    mappings.push({
      id: row.id,
      secret: row.secretName,
      hosts: row.hosts,
      ...(row.pathPrefix === null ? {} : { pathPrefix: row.pathPrefix }),
      location,
    });
  }
  return mappings;
}

export function removeCredentialMapping(db: Database, id: number): Promise<boolean> {
  return deleteSecretMapping(db, id);
}
