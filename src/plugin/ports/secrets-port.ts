/**
 * The `secrets` capability: a tool may ask whether the owner has stored a secret by name (to
 * say "configure GITHUB_TOKEN first" instead of failing at the remote end), never read one.
 * Values are injected by the host at the HTTP boundary (http-port.ts `credentials`). Until the
 * encrypted secret store lands (the secrets issue), no secret exists.
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
