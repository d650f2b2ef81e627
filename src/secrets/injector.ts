/**
 * The `credentials` hook of the HTTP port: for each hop, after the destination check and the
 * outbound scan, finds the mappings for that URL, opens their secrets and writes them into that
 * hop's own headers or URL. The tool's request object is never touched, so what a tool (or the
 * model) sees of its request holds only the secret's name; a redirect starts again from the
 * caller's headers and gets only the credentials mapped to its own host. Every injection is
 * recorded in `secret_usage` (name, host, time) and logged, never with the value. Credentials go
 * only over https, except to the local hosts the owner allowed in HTTP_ALLOW_HOSTS.
 */
import type { Database } from "../db/client.ts";
import { recordSecretUsage } from "../db/secrets.ts";
import type { Logger } from "../log.ts";
import { normalizeHost } from "../plugin/ports/http/destination-check.ts";
import type { CredentialInjector } from "../plugin/ports/http/send-request.ts";
import { RequestRefusedError } from "../plugin/ports/http/send-request.ts";
import { type CredentialLocation, mappingApplies } from "./mapping.ts";
import { listCredentialMappings } from "./mappings.ts";
import type { SecretStore } from "./store.ts";

export interface CredentialInjectorOptions {
  db: Database;
  store: Pick<SecretStore, "reveal">;
  log: Logger;
  now?: () => Date;
  /**
   * Hosts a credential may reach over plain http (the owner's HTTP_ALLOW_HOSTS: local servers).
   * Anywhere else a credential goes only over https, so it never crosses a network in clear text.
   */
  plainHttpHosts?: readonly string[];
}

function encodePathValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ":");
}

/** Writes `value` at `location`; returns the URL to fetch (a copy when the URL changes). */
export function applyCredential(
  location: CredentialLocation,
  value: string,
  url: URL,
  headers: Headers,
): URL {
  switch (location.type) {
    case "bearer":
      headers.set("authorization", `Bearer ${value}`);
      return url;
    case "basic":
      headers.set("authorization", `Basic ${Buffer.from(value, "utf8").toString("base64")}`);
      return url;
    case "header":
      headers.set(location.name, `${location.prefix ?? ""}${value}`);
      return url;
    case "query": {
      const next = new URL(url);
      next.searchParams.set(location.name, value);
      return next;
    }
    case "url-path": {
      const encoded = new URL(`http://placeholder.invalid/${location.placeholder}`).pathname.slice(1);
      if (!url.pathname.includes(encoded)) return url;
      const next = new URL(url);
      next.pathname = url.pathname.replaceAll(encoded, encodePathValue(value));
      return next;
    }
  }
}

export function createCredentialInjector(options: CredentialInjectorOptions): CredentialInjector {
  const now = options.now ?? (() => new Date());
  const plainHttpHosts = new Set((options.plainHttpHosts ?? []).map(normalizeHost));
  return async function injectCredentials(url, headers, injection) {
    const allowed = injection?.allowedSecrets;
    const mappings = (await listCredentialMappings(options.db)).filter(
      (mapping) => mappingApplies(mapping, url) && (allowed === undefined || allowed.has(mapping.secret)),
    );
    if (mappings.length === 0) return undefined;
    if (url.protocol !== "https:" && !plainHttpHosts.has(normalizeHost(url.hostname))) {
      options.log.warn("credential not injected over plain http", { host: url.hostname });
      return undefined;
    }
    let target = url;
    for (const mapping of mappings) {
      let value: string | undefined;
      try {
        value = await options.store.reveal(mapping.secret);
      } catch (error) {
        options.log.warn("credential not injected", { secret: mapping.secret, host: url.hostname, error });
        throw new RequestRefusedError(
          `The credential "${mapping.secret}" for ${url.hostname} could not be opened; the owner must fix the secret store (ironclaw doctor).`,
        );
      }
      if (value === undefined) continue; // deleted since: its mappings go with it
      options.log.addSecrets([value]); // set after start-up (CLI): hidden from every log line from now on
      target = applyCredential(mapping.location, value, target, headers);
      await recordSecretUsage(options.db, mapping.secret, url.hostname, now());
      options.log.info("credential injected", { secret: mapping.secret, host: url.hostname });
    }
    return target === url ? undefined : target;
  };
}
