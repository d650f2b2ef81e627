/**
 * Turns a registry archive into the files of one skill, in memory, refusing anything that could
 * write outside the skill's folder or smuggle in more than words: names with `..`, absolute
 * paths, backslashes, drive letters, NUL or control characters; symbolic links and other
 * non-regular entries (by the Unix file type in the external attributes); two entries that
 * would land on the same file (compared case-insensitively, as macOS and Windows would); more
 * files, bytes or bytes per file than a skill needs; files that are not UTF-8 text. The archive
 * holds exactly one SKILL.md, at its root or at the root of a single top folder (how registries
 * pack them), which must parse (S1's parser, the same the loader uses) — so what is installed
 * is what the loader will load. Nothing touches the disk here.
 */
import { createHash } from "node:crypto";
import { AppError } from "../../errors.ts";
import { maxSkillFileBytes, type ParsedSkill, parseSkillFile } from "../parse.ts";
import { extractZipEntry, readZipEntries, type ZipEntry } from "./zip-entries.ts";

export interface ArchiveLimits {
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxFiles: 64,
  maxFileBytes: 256 * 1024,
  maxTotalBytes: 2 * 1024 * 1024,
};

export interface SkillArchiveFile {
  /** Relative to the skill's folder, `/`-separated, checked. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export interface SkillArchive {
  readonly skill: ParsedSkill;
  /** SHA-256 of SKILL.md: the pin. */
  readonly skillSha256: string;
  readonly files: readonly SkillArchiveFile[];
  readonly totalBytes: number;
}

const fileType = 0o170000;
const regularFile = 0o100000;
const directoryType = 0o040000;

function refuse(message: string): never {
  throw new AppError("invalid_input", `the skill archive is not acceptable: ${message}`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The entry's path segments, or a refusal naming the entry. */
function checkedSegments(entry: ZipEntry): string[] {
  const shown = JSON.stringify(entry.name);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(entry.name))
    refuse(`the entry ${shown} has a control character in its name`);
  if (entry.name.includes("\\")) refuse(`the entry ${shown} has a backslash in its name`);
  if (entry.name.startsWith("/")) refuse(`the entry ${shown} is an absolute path`);
  if (/^[A-Za-z]:/.test(entry.name)) refuse(`the entry ${shown} names a drive`);
  const segments = entry.name.replace(/\/$/, "").split("/");
  for (const segment of segments) {
    if (segment === "..") refuse(`the entry ${shown} climbs out of its folder ("..")`);
    if (segment === "" || segment === ".") refuse(`the entry ${shown} has an empty or "." path segment`);
  }
  return segments;
}

function isDirectoryEntry(entry: ZipEntry): boolean {
  return entry.name.endsWith("/") || (entry.unixMode & fileType) === directoryType;
}

/** Checks every entry's kind and name; the files with their segments. */
function checkEntries(entries: ZipEntry[], limits: ArchiveLimits): { entry: ZipEntry; segments: string[] }[] {
  const files: { entry: ZipEntry; segments: string[] }[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    const segments = checkedSegments(entry);
    const type = entry.unixMode & fileType;
    const shown = JSON.stringify(entry.name);
    if (type === 0o120000) refuse(`the entry ${shown} is a symbolic link`);
    if (type !== 0 && type !== regularFile && type !== directoryType)
      refuse(`the entry ${shown} is not a regular file`);
    const key = segments.join("/").toLowerCase();
    if (seen.has(key)) refuse(`the entry ${shown} appears twice`);
    seen.add(key);
    if (isDirectoryEntry(entry)) {
      if (entry.size !== 0) refuse(`the folder entry ${shown} has content`);
      continue;
    }
    if (entry.size > limits.maxFileBytes)
      refuse(`the entry ${shown} is ${entry.size} bytes; at most ${limits.maxFileBytes} per file`);
    total += entry.size;
    if (total > limits.maxTotalBytes)
      refuse(`its files add up to more than ${limits.maxTotalBytes} bytes uncompressed`);
    files.push({ entry, segments });
  }
  if (files.length > limits.maxFiles) refuse(`it has ${files.length} files; at most ${limits.maxFiles}`);
  return files;
}

/** The single top folder every file is in, when there is one and SKILL.md is not at the root. */
function commonRoot(files: { segments: string[] }[]): string | undefined {
  if (files.some((file) => file.segments.length === 1 && file.segments[0] === "SKILL.md")) return undefined;
  const first = files[0]?.segments[0];
  if (first === undefined) return undefined;
  return files.every((file) => file.segments.length > 1 && file.segments[0] === first) ? first : undefined;
}

export function readSkillArchive(
  archive: Uint8Array,
  limits: ArchiveLimits = defaultArchiveLimits,
): SkillArchive {
  const checked = checkEntries(readZipEntries(archive, limits.maxFiles * 2), limits);
  const root = commonRoot(checked);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const files: SkillArchiveFile[] = [];
  let totalBytes = 0;
  for (const { entry, segments } of checked) {
    const path = (root === undefined ? segments : segments.slice(1)).join("/");
    const bytes = extractZipEntry(archive, entry);
    try {
      if (bytes.includes(0)) throw new Error("NUL byte");
      decoder.decode(bytes);
    } catch {
      refuse(`the entry ${JSON.stringify(entry.name)} is not a text file (skills carry text only)`);
    }
    totalBytes += bytes.byteLength;
    files.push({ path, bytes, sha256: sha256Hex(bytes) });
  }
  const skillFiles = files.filter((file) => file.path === "SKILL.md");
  if (skillFiles.length !== 1)
    refuse("it must hold exactly one SKILL.md, at its root or inside a single top folder");
  const skillFile = skillFiles[0] as SkillArchiveFile;
  if (skillFile.bytes.byteLength > maxSkillFileBytes)
    refuse(`its SKILL.md is ${skillFile.bytes.byteLength} bytes; the limit is ${maxSkillFileBytes}`);
  const skill = parseSkillFile(new TextDecoder().decode(skillFile.bytes), "SKILL.md");
  return { skill, skillSha256: skillFile.sha256, files, totalBytes };
}
