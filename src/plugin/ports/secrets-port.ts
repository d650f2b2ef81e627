/**
 * The `secrets` capability: a tool may ask whether the owner has stored a secret by name (to
 * say "configure GITHUB_TOKEN first" instead of failing at the remote end), never read one.
 * Values are injected by the host at the HTTP boundary (http-port.ts `credentials`, filled by
 * src/secrets/injector.ts). The port is built over the store's `exists` alone, so it cannot
 * reveal a value even by mistake; a name outside the secret-name grammar simply does not exist.
 *
 * Example:
 *   if (!(await context.secrets.exists("github_token"))) return { content: "…", isError: true };
 */

export interface SecretsPort {
  exists(name: string): Promise<boolean>;
}

export function createEmptySecretsPort(): SecretsPort {
  return { exists: async () => false };
}

/** The port over the encrypted store (src/secrets/store.ts), given only its `exists`. */
export function createStoreSecretsPort(exists: (name: string) => Promise<boolean>): SecretsPort {
  return {
    exists: async (name) =>
      typeof name === "string" && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name) && exists(name),
  };
}
