/**
 * Skill archives for the fake registry and the archive tests, built with fflate the way a
 * registry (or an attacker) would: a plain skill, and the hostile shapes the installer must
 * refuse — `../` and absolute entries, symbolic links (Unix mode in the external attributes),
 * duplicate names, a header that lies about its size, binary files, an oversized SKILL.md.
 */
import { type Zippable, zipSync } from "fflate";

export interface SkillFileOptions {
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  readonly extraFrontMatter?: string;
  readonly body?: string;
}

/** A SKILL.md with front matter. */
export function skillMarkdown(options: SkillFileOptions): string {
  return [
    "---",
    `name: ${options.name}`,
    `version: ${options.version ?? "1.0.0"}`,
    `description: ${options.description ?? `The ${options.name} skill`}`,
    ...(options.extraFrontMatter ? [options.extraFrontMatter] : []),
    "---",
    options.body ?? `When the owner asks about ${options.name}, answer briefly.`,
    "",
  ].join("\n");
}

export type ArchiveEntry = string | Uint8Array | { data: string | Uint8Array; unixMode?: number };

const encoder = new TextEncoder();

/** A zip of `entries` (path → content); `unixMode` sets the entry's Unix file mode. */
export function buildZip(entries: Record<string, ArchiveEntry>): Uint8Array {
  const zippable: Zippable = {};
  for (const [path, entry] of Object.entries(entries)) {
    const spec = typeof entry === "string" || entry instanceof Uint8Array ? { data: entry } : entry;
    const data = typeof spec.data === "string" ? encoder.encode(spec.data) : spec.data;
    zippable[path] = [data, { os: 3, attrs: ((spec.unixMode ?? 0o100644) << 16) >>> 0 }];
  }
  return zipSync(zippable);
}

/** A well-formed skill archive inside a top folder named after the slug (as registries pack). */
export function buildSkillZip(
  options: SkillFileOptions & { readonly extraFiles?: Record<string, ArchiveEntry> },
) {
  return buildZip({
    [`${options.name}/SKILL.md`]: skillMarkdown(options),
    ...Object.fromEntries(
      Object.entries(options.extraFiles ?? {}).map(([path, entry]) => [`${options.name}/${path}`, entry]),
    ),
  });
}

/** Rewrites every occurrence of the stored name `from` (same length) to `to`, in all headers. */
export function renameEntry(archive: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error("renameEntry needs names of equal length");
  const copy = archive.slice();
  const needle = encoder.encode(from);
  const replacement = encoder.encode(to);
  for (let offset = 0; offset <= copy.length - needle.length; offset++) {
    if (needle.every((byte, index) => copy[offset + index] === byte)) copy.set(replacement, offset);
  }
  return copy;
}

/** Sets the uncompressed size declared for the first entry in the central directory. */
export function declareSize(archive: Uint8Array, size: number): Uint8Array {
  const copy = archive.slice();
  const view = new DataView(copy.buffer);
  for (let offset = copy.length - 22; offset >= 0; offset--) {
    if (view.getUint32(offset, true) === 0x06054b50) {
      const directory = view.getUint32(offset + 16, true);
      view.setUint32(directory + 24, size, true);
      return copy;
    }
  }
  throw new Error("no end of central directory");
}
