/**
 * The encrypted secret store: what the CLI, the config loader, the HTTP port's injector and the
 * leak detector use. Values go in through `set` and come out only through `reveal` (the host's
 * injection and config) and `listSecretValues` (so the log and the leak detector can recognise
 * them); nothing here hands a value to a tool or the model. The master key is resolved on each
 * use, so `IRONCLAW_MASTER_KEY` or the key file can be fixed without restarting, and storing is
 * the only operation that may generate the key file.
 *
 * Example:
 *   const store = createSecretStore({ db, home: config.home, environmentKey: env.IRONCLAW_MASTER_KEY });
 *   await store.set("github_token", value);
 *   const token = await store.reveal("github_token");
 */
import type { Database } from "../db/client.ts";
import {
  deleteSecretRow,
  findSecretRow,
  listSecretRows,
  listSecretSummaries,
  type SecretRow,
  type SecretSummaryRow,
  upsertSecretRow,
} from "../db/secrets.ts";
import { keyIdOf, openSecret, sealSecret } from "./cipher.ts";
import {
  CorruptSecretError,
  SecretInputError,
  SecretStoreUnavailableError,
  WrongMasterKeyError,
} from "./errors.ts";
import { type MasterKey, resolveMasterKey } from "./master-key.ts";
import { checkSecretName } from "./names.ts";

export interface SecretStoreOptions {
  db: Database;
  /** IRONCLAW_HOME: where the key file lives. */
  home: string;
  /** IRONCLAW_MASTER_KEY, if set. */
  environmentKey?: string;
  now?: () => Date;
}

export type SecretStoreStatus =
  | { available: true; source: string; secrets: number }
  | { available: false; reason: string };

export const maxSecretBytes = 64 * 1024;

export type SecretStore = ReturnType<typeof createSecretStore>;

export function createSecretStore(options: SecretStoreOptions) {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  let knownValues: readonly string[] = [];
  const masterKey = (create = false): MasterKey =>
    resolveMasterKey({ environmentKey: options.environmentKey, home: options.home, create });

  const open = (row: SecretRow, key: MasterKey): string => {
    if (row.keyId !== keyIdOf(key.key)) throw new WrongMasterKeyError(row.name, key.source);
    try {
      return openSecret(key.key, row.name, row);
    } catch (error) {
      throw new CorruptSecretError(row.name, { cause: error });
    }
  };

  return {
    /** Stores (or replaces) a secret; generates the key file on first use when no key is set. */
    async set(name: string, value: string): Promise<void> {
      checkSecretName(name);
      if (value === "") throw new SecretInputError(`secret "${name}" is empty; nothing was stored`);
      const size = Buffer.byteLength(value, "utf8");
      if (size > maxSecretBytes) {
        throw new SecretInputError(
          `secret "${name}" is ${size} bytes; at most ${maxSecretBytes} can be stored`,
        );
      }
      const key = masterKey(true);
      const [other] = await listSecretRows(db);
      // One store, one key: storing under a new key would leave the older secrets unreadable.
      if (other && other.name !== name && other.keyId !== keyIdOf(key.key)) {
        throw new WrongMasterKeyError(other.name, key.source);
      }
      await upsertSecretRow(db, { name, ...sealSecret(key.key, name, value) }, now());
      knownValues = [...new Set([...knownValues, value])];
    },

    /** The plaintext, for the host alone (injection, config). Undefined when no such secret. */
    async reveal(name: string): Promise<string | undefined> {
      const row = await findSecretRow(db, name);
      if (row === undefined) return undefined;
      const value = open(row, masterKey());
      if (!knownValues.includes(value)) knownValues = [...knownValues, value];
      return value;
    },

    /** Whether a secret of that name is stored; needs no master key. */
    async exists(name: string): Promise<boolean> {
      return (await findSecretRow(db, name)) !== undefined;
    },

    /** Names and times, never values. */
    list(): Promise<SecretSummaryRow[]> {
      return listSecretSummaries(db);
    },

    /** True when it existed; its mappings are deleted with it. */
    delete(name: string): Promise<boolean> {
      return deleteSecretRow(db, name);
    },

    /** Every value that opens under the current key (rows that do not are skipped). */
    async listSecretValues(): Promise<string[]> {
      const rows = await listSecretRows(db);
      if (rows.length === 0) return [];
      let key: MasterKey;
      try {
        key = masterKey();
      } catch {
        return [];
      }
      const values: string[] = [];
      for (const row of rows) {
        try {
          values.push(open(row, key));
        } catch {
          // A wrong key or a corrupt row: `status` reports it; there is no value to recognise.
        }
      }
      knownValues = values;
      return values;
    },

    /** The values seen by the last `listSecretValues`, `set` or `reveal` (synchronous, for hot paths). */
    cachedSecretValues(): readonly string[] {
      return knownValues;
    },

    /** For doctor: whether a key is there and opens what is stored. */
    async status(): Promise<SecretStoreStatus> {
      let key: MasterKey;
      try {
        key = masterKey();
      } catch (error) {
        if (error instanceof SecretStoreUnavailableError) return { available: false, reason: error.message };
        throw error;
      }
      const rows = await listSecretRows(db);
      for (const row of rows) {
        try {
          open(row, key);
        } catch (error) {
          return { available: false, reason: error instanceof Error ? error.message : String(error) };
        }
      }
      return { available: true, source: key.source, secrets: rows.length };
    },
  };
}
