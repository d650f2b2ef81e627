/**
 * Lets every configuration variable marked secret (bot tokens, API keys) come from the encrypted
 * store instead of the environment: a secret stored under the variable's own name
 * (`ironclaw secrets set TELEGRAM_BOT_TOKEN`) is a config value with source "secret store",
 * below the environment and ironclaw.toml and above the settings table. DATABASE_URL is the
 * exception (the store lives in that database), and so are environment-only variables such as
 * IRONCLAW_MASTER_KEY itself. A secret that cannot be opened is left out and reported, so the
 * rest of the configuration still loads and `doctor` can say what to fix.
 */
import { variables } from "../config-variables.ts";
import type { SecretStore } from "./store.ts";

export interface StoredConfigSecrets {
  values: Record<string, string>;
  /** Lines for the log and doctor, e.g. why TELEGRAM_BOT_TOKEN could not be opened. Never values. */
  problems: string[];
}

export const storeableVariableNames: readonly string[] = variables
  .filter((spec) => spec.secret === true && spec.envOnly !== true && spec.name !== "DATABASE_URL")
  .map((spec) => spec.name);

export async function readStoredConfigSecrets(
  store: Pick<SecretStore, "list" | "reveal">,
): Promise<StoredConfigSecrets> {
  const stored = new Set((await store.list()).map((row) => row.name));
  const result: StoredConfigSecrets = { values: {}, problems: [] };
  for (const name of storeableVariableNames) {
    if (!stored.has(name)) continue;
    try {
      const value = await store.reveal(name);
      if (value !== undefined) result.values[name] = value;
    } catch (error) {
      result.problems.push(
        `${name} from the secret store: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return result;
}
