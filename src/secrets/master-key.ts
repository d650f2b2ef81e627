/**
 * Where the secret store's master key comes from: IRONCLAW_MASTER_KEY in the environment, else a
 * key file `master.key` in IRONCLAW_HOME (owner-only, 0600), generated on first use when the
 * caller is about to store a secret. Reading never generates one: a store whose key is missing
 * must say so (and how to fix it) rather than quietly start a new, empty key. The key is used as
 * HKDF input keying material, so any string of at least 32 characters works; a generated one is
 * 32 random bytes in base64url.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SecretStoreUnavailableError } from "./errors.ts";

export interface MasterKey {
  key: Uint8Array;
  /** For messages: "IRONCLAW_MASTER_KEY" or "the key file <path>". */
  source: string;
}

export interface MasterKeyOptions {
  /** The value of IRONCLAW_MASTER_KEY, if set. */
  environmentKey?: string;
  home: string;
  /** Generate the key file when neither source exists (only when storing). */
  create?: boolean;
}

const minimumLength = 32;

export function keyFilePath(home: string): string {
  return join(home, "master.key");
}

export const masterKeyHint = (home: string): string =>
  `set IRONCLAW_MASTER_KEY (at least ${minimumLength} characters, e.g. \`openssl rand -base64 32\`) or run \`ironclaw secrets set NAME\` once to generate the key file ${keyFilePath(home)}`;

function checked(raw: string, source: string): MasterKey {
  const value = raw.trim();
  if (value.length < minimumLength) {
    throw new SecretStoreUnavailableError(
      `the master key from ${source} is too short (${value.length} characters, at least ${minimumLength} needed)`,
    );
  }
  return { key: Buffer.from(value, "utf8"), source };
}

/** The master key, or SecretStoreUnavailableError saying which source is missing or unusable. */
export function resolveMasterKey(options: MasterKeyOptions): MasterKey {
  if (options.environmentKey !== undefined && options.environmentKey.trim() !== "") {
    return checked(options.environmentKey, "IRONCLAW_MASTER_KEY");
  }
  const path = keyFilePath(options.home);
  const source = `the key file ${path}`;
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new SecretStoreUnavailableError(
        `${source} is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); run chmod 600 ${path}`,
      );
    }
    return checked(readFileSync(path, "utf8"), source);
  }
  if (!options.create) {
    throw new SecretStoreUnavailableError(
      `no master key for the secret store: ${masterKeyHint(options.home)}`,
    );
  }
  mkdirSync(options.home, { recursive: true, mode: 0o700 });
  // "wx": two processes generating at once cannot overwrite each other's key.
  writeFileSync(path, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  return checked(readFileSync(path, "utf8"), source);
}
