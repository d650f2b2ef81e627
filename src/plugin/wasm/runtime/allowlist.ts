/**
 * The manifest's HTTP allowlist: a WASM tool reaches a URL only if a rule names its host (exactly,
 * or `*.example.com` for one label below it), a path prefix it falls under and its method (no
 * methods listed = GET only). An empty allowlist reaches nothing. Checked on every hop, so a
 * redirect off the list is refused before it is followed.
 */
import { hostMatches, pathMatches } from "../../../secrets/mapping.ts";
import type { HttpAllowRule } from "../contract.ts";

export function allowedBy(rules: readonly HttpAllowRule[], method: string, url: URL): boolean {
  if (url.protocol !== "https:" && url.protocol !== "http:") return false;
  if (url.username !== "" || url.password !== "") return false;
  return rules.some((rule) => {
    const methods = rule.methods.length === 0 ? ["GET"] : rule.methods;
    const prefix = rule.pathPrefix.length > 1 ? rule.pathPrefix.replace(/\/+$/, "") : rule.pathPrefix;
    return (
      hostMatches(rule.host.toLowerCase(), url.hostname) &&
      methods.includes(method) &&
      pathMatches(prefix === "" ? "/" : prefix, url.pathname)
    );
  });
}

/** Sliding-window counters of the manifest's requests per minute and per hour (per tool). */
export function createRequestRateLimit(perMinute: number, perHour: number, now: () => number = Date.now) {
  const stamps: number[] = [];
  return {
    /** Records a request and returns true, or returns false when a window is used up. */
    take(): boolean {
      const time = now();
      while (stamps.length > 0 && (stamps[0] as number) <= time - 3_600_000) stamps.shift();
      const lastMinute = stamps.filter((stamp) => stamp > time - 60_000).length;
      if (lastMinute >= perMinute || stamps.length >= perHour) return false;
      stamps.push(time);
      return true;
    },
  };
}
