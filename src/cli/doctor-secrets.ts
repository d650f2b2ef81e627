/**
 * The "Secret store" lines of `ironclaw doctor`: where the master key comes from and whether it
 * opens what is stored, how many secrets and mappings there are, and — when the key is missing
 * or wrong — the exact fix. A missing key with nothing stored is not a fault (nothing needs it
 * yet); a stored secret that cannot be opened is.
 */
import type { Database } from "../db/client.ts";
import { listSecretMappings } from "../db/secrets.ts";
import { masterKeyHint } from "../secrets/master-key.ts";
import type { SecretStore } from "../secrets/store.ts";

export async function describeSecretStore(
  store: Pick<SecretStore, "status" | "list">,
  db: Database,
  home: string,
): Promise<{ lines: string[]; healthy: boolean }> {
  const status = await store.status();
  const mappings = (await listSecretMappings(db)).length;
  if (status.available) {
    return {
      healthy: true,
      lines: [
        `status: ok, master key from ${status.source}`,
        `${status.secrets} secrets, ${mappings} credential mappings`,
      ],
    };
  }
  const stored = (await store.list()).length;
  if (stored === 0) {
    return {
      healthy: true,
      lines: ["status: no master key yet, so no secret can be stored", `fix: ${masterKeyHint(home)}`],
    };
  }
  return {
    healthy: false,
    lines: [
      `status: NOT OK — ${status.reason}`,
      `${stored} secrets stored cannot be used until the master key they were stored with is back`,
    ],
  };
}
