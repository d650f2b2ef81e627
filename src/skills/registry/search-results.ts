/**
 * Reads a registry's search answer (`{ results: [{ slug, displayName, summary, version, score }] }`,
 * ClawHub's shape; `name` and `description` are accepted as older spellings) into plain, bounded
 * records. The text is the registry's, i.e. anyone's: it is shortened, stripped of control
 * characters, and never trusted as more than a description. An answer of the wrong shape is one
 * clear error, and an entry without a usable slug is dropped rather than failing the search.
 */
import { AppError } from "../../errors.ts";

export interface RegistrySkillSummary {
  readonly slug: string;
  readonly name: string;
  readonly version: string | null;
  readonly summary: string;
  readonly score: number | null;
}

const slugPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function plain(value: unknown, max: number): string | undefined {
  if (typeof value !== "string") return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

export function readSearchResults(bytes: Uint8Array, where: string): RegistrySkillSummary[] {
  const notResult = () =>
    new AppError("registry_unavailable", `${where} answered something that is not a search result`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new AppError(notResult().code, notResult().message, { cause: error });
  }
  const results = (parsed as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw notResult();
  const summaries: RegistrySkillSummary[] = [];
  for (const item of results) {
    if (!item || typeof item !== "object") continue;
    const record = item as Record<string, unknown>;
    const slug = typeof record.slug === "string" && slugPattern.test(record.slug) ? record.slug : undefined;
    if (!slug) continue;
    summaries.push({
      slug,
      name: plain(record.displayName, 100) ?? plain(record.name, 100) ?? slug,
      version: plain(record.version, 64) ?? null,
      summary: plain(record.summary, 400) ?? plain(record.description, 400) ?? "",
      score: typeof record.score === "number" && Number.isFinite(record.score) ? record.score : null,
    });
  }
  return summaries;
}
