/**
 * The manifest's `credentials` become the host's credential mappings (src/secrets/mappings.ts),
 * because that is where injection happens: at the HTTP boundary, for the mapped hosts only.
 * Installing never creates a secret: a grant whose secret is stored gets its mapping (once; an
 * identical mapping is reused), and one whose secret is missing is reported so the owner can add
 * it (`ironclaw secrets set NAME`); the mapping is made on the next install, enable or start.
 */
import type { Database } from "../../db/client.ts";
import { findSecretRow } from "../../db/secrets.ts";
import { addCredentialMapping, listCredentialMappings, type StoredMapping } from "../../secrets/mappings.ts";
import type { CredentialGrant } from "./contract.ts";

export interface GrantStatus {
  readonly grant: CredentialGrant;
  /** The secret is stored. */
  readonly secretStored: boolean;
  /** A mapping that injects it exactly as granted exists. */
  readonly mapped: boolean;
}

function sameMapping(mapping: StoredMapping, grant: CredentialGrant): boolean {
  return (
    mapping.secret === grant.secret &&
    mapping.pathPrefix === undefined &&
    JSON.stringify([...mapping.hosts].sort()) === JSON.stringify([...grant.hosts].sort()) &&
    JSON.stringify(mapping.location) === JSON.stringify(grant.location)
  );
}

/** Where each grant stands now, without changing anything (for the review). */
export async function describeGrants(
  db: Database,
  grants: readonly CredentialGrant[],
): Promise<GrantStatus[]> {
  if (grants.length === 0) return [];
  const mappings = await listCredentialMappings(db);
  const statuses: GrantStatus[] = [];
  for (const grant of grants) {
    statuses.push({
      grant,
      secretStored: (await findSecretRow(db, grant.secret)) !== undefined,
      mapped: mappings.some((mapping) => sameMapping(mapping, grant)),
    });
  }
  return statuses;
}

/** Adds the missing mappings for stored secrets; returns each grant's status afterwards. */
export async function ensureGrantMappings(
  db: Database,
  grants: readonly CredentialGrant[],
): Promise<GrantStatus[]> {
  const statuses = await describeGrants(db, grants);
  const after: GrantStatus[] = [];
  for (const status of statuses) {
    if (status.secretStored && !status.mapped) {
      await addCredentialMapping(db, {
        secret: status.grant.secret,
        hosts: status.grant.hosts,
        location: status.grant.location,
      });
      after.push({ ...status, mapped: true });
    } else {
      after.push(status);
    }
  }
  return after;
}
