/**
 * The skill registry client (ClawHub's HTTP API: `GET /api/v1/search?q=&limit=` and
 * `GET /api/v1/download?slug=&version=`). Everything it sends goes through the host's guarded
 * HTTP port (SSRF checks, pinned addresses) and only to URLs built from the configured registry
 * base; searches follow no redirect. Both calls have a deadline and a size cap on the answer
 * (the archive is read up to its cap and then cut off, whatever Content-Length says), searches
 * are cached 5 minutes per query, and every failure is an AppError for the owner or the model:
 * `registry_unavailable` (down, slow, 5xx, garbage), `not_found`, `invalid_input` — never a crash.
 */
import { AppError, describeError } from "../../errors.ts";
import { RequestRefusedError } from "../../plugin/ports/http/http-port.ts";
import { readCappedBody } from "../../plugin/ports/http/read-capped-body.ts";
import type { HttpPort } from "../../plugin/ports/index.ts";
import { createSearchCache } from "./search-cache.ts";
import { type RegistrySkillSummary, readSearchResults } from "./search-results.ts";

export type { RegistrySkillSummary } from "./search-results.ts";

export interface RegistryClientOptions {
  /** The registry's base URL (`CLAWHUB_REGISTRY`), e.g. https://clawhub.ai */
  readonly baseUrl: string;
  readonly http: HttpPort;
  readonly timeoutMs?: number;
  /** Archive cap (compressed), default 1 MiB. */
  readonly maxArchiveBytes?: number;
  readonly maxSearchBytes?: number;
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

export interface DownloadedArchive {
  readonly bytes: Uint8Array;
  /** The URL the archive came from (after redirects). */
  readonly url: string;
}

export const defaultMaxArchiveBytes = 1024 * 1024;
const slugPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const versionPattern = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

export function checkSlug(slug: string): string {
  if (!slugPattern.test(slug))
    throw new AppError("invalid_input", `"${slug}" is not a registry slug (letters, digits, ".", "_", "-")`);
  return slug;
}

export function createRegistryClient(options: RegistryClientOptions) {
  const base = new URL(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxArchiveBytes = options.maxArchiveBytes ?? defaultMaxArchiveBytes;
  const maxSearchBytes = options.maxSearchBytes ?? 256 * 1024;
  const cache = createSearchCache<RegistrySkillSummary[]>({ ttlMs: options.cacheTtlMs, now: options.now });
  const where = `the skill registry at ${base.origin}`;

  function endpoint(path: string, query: Record<string, string | undefined>): URL {
    const url = new URL(`${base.pathname.replace(/\/$/, "")}${path}`, base);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  /** GET `url` and read at most `cap` bytes of the answer within the deadline. */
  async function get(url: URL, cap: number, maxRedirects: number, signal?: AbortSignal) {
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const { response, url: final } = await options.http.send(
        { method: "GET", url, headers: new Headers({ accept: "application/json, application/zip" }) },
        { signal: combined, maxRedirects },
      );
      const body = await readCappedBody(response.body, cap, combined);
      return { status: response.status, body, url: final };
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = deadline.aborted
        ? `no answer within ${timeoutMs} ms`
        : error instanceof RequestRefusedError
          ? `${error.message} A registry on a private address must be listed in HTTP_ALLOW_HOSTS.`
          : describeError(error);
      throw new AppError("registry_unavailable", `${where} is unreachable (${reason})`, { cause: error });
    }
  }

  function failedStatus(status: number, what: string): never {
    throw new AppError("registry_unavailable", `${where} answered HTTP ${status} to ${what}`);
  }

  return {
    baseUrl: base.origin + base.pathname.replace(/\/$/, ""),

    /** Up to `limit` skills matching `query`, best first. */
    async search(query: string, limit = 10, signal?: AbortSignal): Promise<RegistrySkillSummary[]> {
      const words = query.trim();
      if (words === "") throw new AppError("invalid_input", "the search needs some words");
      const bounded = Math.max(1, Math.min(50, Math.trunc(limit)));
      const key = `${bounded}\u0000${words.toLowerCase()}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const answer = await get(
        endpoint("/api/v1/search", { q: words, limit: String(bounded) }),
        maxSearchBytes,
        0,
        signal,
      );
      if (answer.status !== 200) failedStatus(answer.status, "a search");
      if (answer.body.truncated)
        throw new AppError(
          "registry_unavailable",
          `${where} answered a search with more than ${maxSearchBytes} bytes`,
        );
      const results = readSearchResults(answer.body.bytes, where).slice(0, bounded);
      cache.set(key, results);
      return results;
    },

    /** The archive of `slug` (at `version`, else the latest), at most the archive cap. */
    async download(slug: string, version?: string, signal?: AbortSignal): Promise<DownloadedArchive> {
      checkSlug(slug);
      if (version !== undefined && !versionPattern.test(version))
        throw new AppError("invalid_input", `"${version}" is not a version`);
      const answer = await get(endpoint("/api/v1/download", { slug, version }), maxArchiveBytes, 3, signal);
      if (answer.status === 404 || answer.status === 410)
        throw new AppError(
          "not_found",
          `${where} has no skill "${slug}"${version ? ` version ${version}` : ""}`,
        );
      if (answer.status !== 200) failedStatus(answer.status, `the download of "${slug}"`);
      if (answer.body.truncated)
        throw new AppError(
          "invalid_input",
          `the archive of "${slug}" is larger than ${maxArchiveBytes} bytes; not installed`,
        );
      return { bytes: answer.body.bytes, url: answer.url.toString() };
    },
  };
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;
