/**
 * The configured secret values, for the logger to hide (see log-redact.ts). "Secret" is what the
 * variable table says (`secret: true` in config-variables.ts), so a new secret variable is covered
 * the moment it is declared. A secret URL (DATABASE_URL) also contributes its password alone:
 * error messages often quote just the credentials, or the URL rebuilt in another form.
 */
import type { Config } from "./config.ts";
import { variables } from "./config-variables.ts";

function urlPassword(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  try {
    const password = new URL(value).password;
    if (!password) return [];
    return [password, decodeURIComponent(password)];
  } catch {
    // Not a URL after all (or a malformed escape): the whole value is still hidden.
    return [];
  }
}

export function configuredSecrets(config: Pick<Config, "values">): string[] {
  const found: string[] = [];
  for (const spec of variables) {
    if (!spec.secret) continue;
    const value = config.values[spec.name];
    if (typeof value !== "string" || value === "") continue;
    found.push(value, ...urlPassword(value));
  }
  return found;
}
