/**
 * The egress allowlist: exact hosts and `*.domain` globs (a glob matches subdomains, not the
 * bare domain). Hosts are compared lower-case without a trailing dot; anything that is not a
 * plain host name or address (userinfo, spaces, percent-escapes) never matches.
 */

export function normalizeHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/\.$/, "");
  return bare.startsWith("[") && bare.endsWith("]") ? bare.slice(1, -1) : bare;
}

export function createAllowlist(entries: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries.map(normalizeHost).filter(Boolean)) {
    if (entry.startsWith("*.")) suffixes.push(entry.slice(1));
    else exact.add(entry);
  }
  return (host) => {
    const normalized = normalizeHost(host);
    if (!/^[a-z0-9.:-]+$/.test(normalized)) return false;
    return exact.has(normalized) || suffixes.some((suffix) => normalized.endsWith(suffix));
  };
}
