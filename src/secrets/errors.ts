/**
 * What can go wrong with the secret store, each as its own class so the CLI, doctor and the HTTP
 * port can say exactly what to fix. No message ever contains a secret value: names, the master
 * key's source and remedies only.
 */
import { AppError, type AppErrorOptions } from "../errors.ts";

/** No master key: neither IRONCLAW_MASTER_KEY nor the key file. Nothing can be stored or read. */
export class SecretStoreUnavailableError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super("config_invalid", message, options);
  }
}

/** The master key is not the one the secret was stored with. */
export class WrongMasterKeyError extends AppError {
  constructor(name: string, source: string) {
    super(
      "config_invalid",
      `secret "${name}" was stored with a different master key than the one from ${source}; set the original key (IRONCLAW_MASTER_KEY or the key file) or store the secret again`,
    );
  }
}

/** The stored ciphertext does not decrypt under the right key: it was altered or damaged. */
export class CorruptSecretError extends AppError {
  constructor(name: string, options: AppErrorOptions = {}) {
    super(
      "database_error",
      `secret "${name}" is corrupt (its ciphertext fails authentication); store it again with \`ironclaw secrets set ${name}\``,
      options,
    );
  }
}

/** A name outside the grammar, an unknown secret, a malformed mapping. */
export class SecretInputError extends AppError {
  constructor(message: string) {
    super("invalid_input", message);
  }
}
